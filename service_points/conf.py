"""Settings of the service_points app, with defaults (override in the project settings)."""

from django.conf import settings

# Coverage report: a sub-grid is covered when a micro-site lies within this walking distance
# (metres, straight line) of a point inside the sub-grid.
WALKING_DISTANCE_M = getattr(settings, "REDGRID_POSITIONS_WALKING_DISTANCE_M", 500)
# How many days ahead the public detail page lists activities.
UPCOMING_DAYS = getattr(settings, "REDGRID_POSITIONS_UPCOMING_DAYS", 30)
# Longest single booking and how far ahead a room can be booked.
BOOKING_MAX_HOURS = getattr(settings, "REDGRID_POSITIONS_BOOKING_MAX_HOURS", 12)
BOOKING_MAX_DAYS_AHEAD = getattr(settings, "REDGRID_POSITIONS_BOOKING_MAX_DAYS_AHEAD", 180)
# Public list page size; "nearest" shows this many positions.
PAGE_SIZE = getattr(settings, "REDGRID_POSITIONS_PAGE_SIZE", 30)
