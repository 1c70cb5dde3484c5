"""Applications: profiles of what an application needs, and verdicts (works, degraded,
fails) over a finished run's tables.  Reads results, never simulates."""

from leonet.apps.areas import area_masks, cell_people, named_areas
from leonet.apps.library import bundled_profiles, is_profile_file, load_profile_file, run_profiles
from leonet.apps.summary import (
    AppRun,
    app_tables,
    break_stats,
    evaluate_run,
    event_shares,
    event_windows,
    region_shares,
)
from leonet.apps.tables import RunSeries, cell_areas_km2, read_run
from leonet.apps.verdicts import (
    DEGRADED,
    FAILS,
    LASTING_REASONS,
    LOSS_WINDOW_S,
    PLANNED_REASONS,
    REQUIREMENTS,
    VERDICTS,
    WORKS,
    LinkSeries,
    Verdicts,
    judge,
    measures,
)
from leonet.apps.views import APP_VIEWS, add_app_views, mentions_app_views

__all__ = [
    "APP_VIEWS",
    "DEGRADED",
    "FAILS",
    "LASTING_REASONS",
    "LOSS_WINDOW_S",
    "PLANNED_REASONS",
    "REQUIREMENTS",
    "VERDICTS",
    "WORKS",
    "AppRun",
    "LinkSeries",
    "RunSeries",
    "Verdicts",
    "add_app_views",
    "app_tables",
    "area_masks",
    "break_stats",
    "bundled_profiles",
    "cell_areas_km2",
    "cell_people",
    "evaluate_run",
    "event_shares",
    "event_windows",
    "is_profile_file",
    "judge",
    "load_profile_file",
    "measures",
    "mentions_app_views",
    "named_areas",
    "read_run",
    "region_shares",
    "run_profiles",
]
