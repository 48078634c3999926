"""Report snapshots keep the areas they were computed for (core.redraw_registry)."""

from core.redraw_registry import redraw_history

redraw_history(
    "reports.Report",
    fields=("district", "street", "community", "grid"),
    reason="a monthly report is a snapshot of its area as it was that month",
)
