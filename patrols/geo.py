"""Distance on the ground between two WGS-84 points — the one function the check-in rule uses."""

import math

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)


def distance_m(a, b) -> float:
    """Great-circle (haversine) distance in metres between two Points (x=lon, y=lat).

    At patrol scale (hundreds of metres) the spherical error against the WGS-84 ellipsoid is
    below 0.5 %, far inside a phone's GPS error.
    """
    lon1, lat1, lon2, lat2 = map(math.radians, (a.x, a.y, b.x, b.y))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))
