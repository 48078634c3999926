import datetime

import factory
from django.contrib.gis.geos import Point

from service_points.models import Booking, OpeningHours, Room, ServicePosition, Tier


def centre_of(node) -> Point:
    c = node.boundary.point_on_surface
    return Point(c.x, c.y, srid=4326)


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePosition

    name = factory.Sequence(lambda n: f"测试社区党群服务中心{n}")
    tier = Tier.CENTRE
    address = "深圳市光明区测试路1号"
    location = factory.LazyAttribute(
        lambda o: centre_of(o.community.grids.order_by("code").first())
    )


class GridPositionFactory(CentreFactory):
    name = factory.Sequence(lambda n: f"测试网格党群服务站{n}")
    tier = Tier.GRID_POSITION
    community = factory.LazyAttribute(lambda o: o.grid.community)
    parent = factory.LazyAttribute(lambda o: o.community.service_positions.get(tier=Tier.CENTRE))
    location = factory.LazyAttribute(lambda o: centre_of(o.grid))


class MicroSiteFactory(GridPositionFactory):
    name = factory.Sequence(lambda n: f"集装箱微站点{n}")
    tier = Tier.MICRO_SITE
    parent = factory.LazyAttribute(
        lambda o: o.community.service_positions.filter(tier=Tier.GRID_POSITION).first()
    )


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    weekday = 0
    opens = datetime.time(9)
    closes = datetime.time(18)


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    name = factory.Sequence(lambda n: f"议事厅{n}")
    kind = Room.Kind.DISCUSSION_HALL
    capacity = 20


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    purpose = Booking.Purpose.BRANCH_MEETING
    title = "支部主题党日"
