"""Test support: oracles, closed-form orbits and benchmark workloads, kept out of the package.

Importable from tests as ``support.<module>`` (pytest's ``pythonpath`` holds ``tests/``).
"""
