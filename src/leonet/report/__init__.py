"""Self-contained HTML views (no CDN, no network): maps, charts and tables."""

from leonet.report.cellmap import MapLayer, render_cell_map
from leonet.report.charts import Marker, Series, cdf_chart, line_chart

__all__ = ["MapLayer", "Marker", "Series", "cdf_chart", "line_chart", "render_cell_map"]
