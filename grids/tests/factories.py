"""Factories for the hierarchy. Boundaries are axis-aligned squares so tests can reason about them:
`square(x, y, size)` is the square with its south-west corner at (x, y) in degrees."""

import datetime

import factory
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from grids.models import AreaGrid, Community, District, GridAssignment, KeyPlace, Street, SubGrid


def square(x: float, y: float, size: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((x, y, x + size, y + size)), srid=4326)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    code = "440311"
    name = "光明区"
    boundary = factory.LazyFunction(lambda: square(113.0, 22.0, 4.0))
    valid_from = datetime.date(2019, 1, 1)


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"440311{n + 1:03d}")
    name = factory.Sequence(lambda n: f"街道{n + 1}")
    boundary = factory.LazyFunction(lambda: square(113.0, 22.0, 2.0))
    valid_from = datetime.date(2019, 1, 1)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.street.code}{n % 999 + 1:03d}")
    name = factory.Sequence(lambda n: f"社区{n + 1}")
    boundary = factory.LazyAttribute(lambda o: o.street.boundary)
    valid_from = datetime.date(2019, 1, 1)
    population = 20000
    households = 7000


class AreaGridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaGrid

    community = factory.SubFactory(CommunityFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.community.code}{n % 99 + 1:02d}")
    name = factory.Sequence(lambda n: f"第{n + 1}网格")
    boundary = factory.LazyAttribute(lambda o: o.community.boundary)
    valid_from = datetime.date(2019, 1, 1)
    population = 8000
    households = 3000


class SubGridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubGrid

    grid = factory.SubFactory(AreaGridFactory)
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.grid.code}{n % 99 + 1:02d}")
    name = factory.Sequence(lambda n: f"第{n + 1}小分格")
    boundary = factory.LazyAttribute(lambda o: o.grid.boundary)
    valid_from = datetime.date(2019, 1, 1)


class KeyPlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyPlace

    grid = factory.SubFactory(AreaGridFactory)
    name = factory.Sequence(lambda n: f"重点场所{n}")
    kind = KeyPlace.Kind.RESIDENTIAL_ESTATE
    location = factory.LazyAttribute(
        lambda o: Point(o.grid.boundary.centroid.x, o.grid.boundary.centroid.y, srid=4326)
    )


class GridAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GridAssignment

    grid = factory.SubFactory(AreaGridFactory)
    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    role = GridAssignment.Role.GRID_WORKER
    start_date = datetime.date(2020, 1, 1)
