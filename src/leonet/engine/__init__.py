"""The chunked runners that join the layers over a time window."""

from leonet.engine.coverage import CoverageResult, coverage_chunk_steps, run_coverage

__all__ = ["CoverageResult", "coverage_chunk_steps", "run_coverage"]
