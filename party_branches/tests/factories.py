import datetime
import itertools

import factory

from party_branches.models import (
    CommunityCommittee,
    PartyBranch,
    PartyMember,
    StreetCommittee,
)
from privacy.crypto import blind_index
from privacy.identity import id_number_with_check_digit

_serial = itertools.count(1)


def fresh_id_number() -> str:
    """A valid, unique ID number (the birth date inside varies with the serial)."""
    n = next(_serial)
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n)
    return id_number_with_check_digit(f"440311{born:%Y%m%d}{n % 1000:03d}")


class StreetCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StreetCommittee

    street = factory.SubFactory("grids.tests.factories.StreetFactory")
    name = factory.LazyAttribute(lambda o: f"{o.street.name}党工委")


class CommunityCommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityCommittee

    community = factory.SubFactory("grids.tests.factories.CommunityFactory")
    street_committee = factory.LazyAttribute(
        lambda o: StreetCommittee.objects.get_or_create(
            street=o.community.street, defaults={"name": f"{o.community.street.name}党工委"}
        )[0]
    )
    name = factory.LazyAttribute(lambda o: f"{o.community.name}党委")


class PartyBranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyBranch

    grid = factory.SubFactory("grids.tests.factories.AreaGridFactory")
    community_committee = factory.LazyAttribute(
        lambda o: CommunityCommittee.objects.filter(community=o.grid.community).first()
        or CommunityCommitteeFactory(community=o.grid.community)
    )
    name = factory.LazyAttribute(lambda o: f"{o.grid.name}党支部")
    kind = PartyBranch.Kind.GRID
    founded_on = datetime.date(2020, 1, 1)


class PartyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartyMember

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = PartyMember.Gender.MALE
    birth_date = datetime.date(1980, 5, 1)
    phone = "13812345678"
    id_number = factory.LazyFunction(fresh_id_number)
    id_number_index = factory.LazyAttribute(lambda o: blind_index(o.id_number))
    joined_on = datetime.date(2010, 7, 1)
    full_member_on = datetime.date(2011, 7, 1)
    workplace = "光明区某公司"
    workplace_kind = PartyMember.WorkplaceKind.COMPANY
    kind = PartyMember.Kind.REGISTERED
    community = factory.LazyAttribute(lambda o: o.branch.grid.community if o.branch else None)
    branch = None
