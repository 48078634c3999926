"""The monthly report section: positions per area and the month's room bookings."""

import datetime

from core.hierarchy import AREA_LEVELS
from core.periods import time_zone
from core.report_registry import SECTIONS
from service_points.models import Booking

# The section's registered functions (core.report_registry.report_section_by_levels).
service_positions_section = SECTIONS["service_positions"].compute
service_positions_all_levels = SECTIONS["service_positions"].compute_all

TZ = time_zone()


def test_the_section_counts_positions_and_booked_hours_per_area(world, positions):
    Booking.objects.create(
        room=positions.hall,
        purpose="activity",
        title="a",
        booked_by=world.users.grid_head,
        starts_at=datetime.datetime(2024, 6, 4, 9, 0, tzinfo=TZ),
        ends_at=datetime.datetime(2024, 6, 4, 10, 30, tzinfo=TZ),
    )
    Booking.objects.create(
        room=positions.hall,
        purpose="activity",
        title="cancelled",
        booked_by=world.users.grid_head,
        status="cancelled",
        starts_at=datetime.datetime(2024, 6, 5, 9, 0, tzinfo=TZ),
        ends_at=datetime.datetime(2024, 6, 5, 10, 0, tzinfo=TZ),
    )
    Booking.objects.create(
        room=positions.hall,
        purpose="activity",
        title="July",
        booked_by=world.users.grid_head,
        starts_at=datetime.datetime(2024, 7, 1, 9, 0, tzinfo=TZ),
        ends_at=datetime.datetime(2024, 7, 1, 10, 0, tzinfo=TZ),
    )
    june = {"start": datetime.date(2024, 6, 1), "end": datetime.date(2024, 7, 1)}
    by_community = service_positions_section(level="community", **june)
    a1 = by_community[world.communities["A1"].pk]
    assert (a1["centres"], a1["grid_positions"], a1["micro_sites"]) == (1, 2, 1)
    assert (a1["bookings"], a1["booked_hours"]) == (1, 1.5)
    assert by_community[world.communities["B1"].pk]["centres"] == 1
    by_grid = service_positions_section(level="grid", **june)
    assert by_grid[world.grids["A1a"].pk]["micro_sites"] == 1
    assert by_grid[world.grids["A1a"].pk]["centres"] == 0
    # Every level at once (GROUPING SETS): what each level gives alone.
    together = service_positions_all_levels(**june)
    assert together == {
        level: service_positions_section(level=level, **june) for level in AREA_LEVELS
    }
    assert together["street"][world.streets["A"].pk]["booked_hours"] == 1.5
