import datetime

import factory
from django.utils import timezone

from volunteers.models import Activity, ActivityCategory, Registration


class RegistrationFactory(factory.django.DjangoModelFactory):
    """An approved, current registration unless told otherwise."""

    class Meta:
        model = Registration

    member = factory.SubFactory("party_branches.tests.factories.PartyMemberFactory")
    grid = factory.SubFactory("grids.tests.factories.AreaGridFactory")
    community = factory.LazyAttribute(lambda o: o.grid.community)
    status = Registration.Status.APPROVED
    confirmed_on = factory.LazyFunction(timezone.localdate)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"志愿活动{n}")
    # get_or_create: transactional tests flush the categories seeded by the data migration.
    category = factory.LazyFunction(
        lambda: ActivityCategory.objects.get_or_create(
            code="hazard_inspection", defaults={"name": "隐患排查"}
        )[0]
    )
    community = factory.SubFactory("grids.tests.factories.CommunityFactory")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    capacity = 10
    address = "光明区某地"
