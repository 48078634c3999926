"""Distances in metres between WGS-84 geometries, computed by the database.

PostGIS: ST_Distance on geography (spheroid). SpatiaLite: ST_Distance(a, b, 1), the ellipsoidal
distance in metres for lon/lat geometries. Any other backend: an equirectangular approximation
around the reference latitude (good to well under 1 % over a district).
"""

import math

from django.contrib.gis.db.models import PointField
from django.contrib.gis.geos import Point
from django.db.models import FloatField, Func, Value

DEFAULT_LAT = 22.76  # Guangming; the approximation only needs a latitude near the data


class DistanceMetres(Func):
    output_field = FloatField()

    def __init__(self, a, b, *, ref_lat: float = DEFAULT_LAT):
        if isinstance(b, Point):
            ref_lat = b.y
            b = Value(b, output_field=PointField(srid=4326))
        self.ref_lat = ref_lat
        super().__init__(a, b)

    def _parts(self, compiler):
        a_sql, a_params = compiler.compile(self.source_expressions[0])
        b_sql, b_params = compiler.compile(self.source_expressions[1])
        return a_sql, b_sql, [*a_params, *b_params]

    def as_postgresql(self, compiler, connection, **extra):
        a_sql, b_sql, params = self._parts(compiler)
        return f"ST_Distance(({a_sql})::geography, ({b_sql})::geography)", params

    def as_sqlite(self, compiler, connection, **extra):
        a_sql, b_sql, params = self._parts(compiler)
        return f"ST_Distance({a_sql}, {b_sql}, 1)", params

    def as_sql(self, compiler, connection, **extra):
        # Planar fallback: metres per degree at the reference latitude.
        a_sql, b_sql, params = self._parts(compiler)
        kx = 111320.0 * math.cos(math.radians(self.ref_lat))
        ky = 110574.0
        sql = (
            f"SQRT(POWER((ST_X({a_sql}) - ST_X({b_sql})) * {kx:.3f}, 2) + "
            f"POWER((ST_Y({a_sql}) - ST_Y({b_sql})) * {ky:.3f}, 2))"
        )
        return sql, params * 2
