"""Self-contained HTML views (no CDN, no network): maps, charts, the run report."""

from leonet.report.apps_section import render_apps_section
from leonet.report.cellmap import (
    LAYER_STYLES,
    MAP_CSS,
    MAX_FRAME_CELLS,
    MAX_FRAMES,
    MapLayer,
    Projection,
    SlotFrames,
    cell_map_fragment,
    named_layer,
    render_cell_map,
    served_levels,
    slot_frames,
    slots_per_frame,
)
from leonet.report.charts import Marker, Series, cdf_chart, line_chart, marker_label_rows
from leonet.report.run_report import render_report, write_report
from leonet.report.systems_section import render_systems_section, turning_point_ns

__all__ = [
    "LAYER_STYLES",
    "MAP_CSS",
    "MAX_FRAMES",
    "MAX_FRAME_CELLS",
    "MapLayer",
    "Marker",
    "Projection",
    "Series",
    "SlotFrames",
    "cdf_chart",
    "cell_map_fragment",
    "line_chart",
    "marker_label_rows",
    "named_layer",
    "render_apps_section",
    "render_cell_map",
    "render_report",
    "render_systems_section",
    "served_levels",
    "slot_frames",
    "slots_per_frame",
    "turning_point_ns",
    "write_report",
]
