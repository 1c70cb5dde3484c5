"""Self-contained HTML views (no CDN, no network): maps and tables."""

from leonet.report.cellmap import MapLayer, render_cell_map

__all__ = ["MapLayer", "render_cell_map"]
