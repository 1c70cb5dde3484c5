"""Self-contained HTML views (no CDN, no network): maps, charts, the run report."""

from leonet.report.cellmap import MapLayer, render_cell_map
from leonet.report.charts import Marker, Series, cdf_chart, line_chart
from leonet.report.run_report import render_report, write_report

__all__ = [
    "MapLayer",
    "Marker",
    "Series",
    "cdf_chart",
    "line_chart",
    "render_cell_map",
    "render_report",
    "write_report",
]
