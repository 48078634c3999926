import datetime

import factory

from care.models import CareTag, Household, Pairing, Resident, ResidentTag, ServiceProject, Visit
from privacy.crypto import blind_index, text_index


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    grid = None
    address = factory.Sequence(lambda n: f"光明路{n + 1}号")
    address_index = factory.LazyAttribute(lambda o: text_index(o.address))
    building = factory.Sequence(lambda n: f"{n % 9 + 1}栋")
    registered_on = datetime.date(2025, 1, 1)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    household = factory.SubFactory(HouseholdFactory)
    name = factory.Sequence(lambda n: f"李{n}")
    gender = Resident.Gender.FEMALE
    birth_date = datetime.date(1940, 5, 6)
    phone = "13812345678"
    phone_index = factory.LazyAttribute(lambda o: blind_index(o.phone) if o.phone else "")
    id_number = "440306194005060024"
    id_number_index = factory.LazyAttribute(
        lambda o: blind_index(o.id_number) if o.id_number else ""
    )


def tag(code: str) -> CareTag:
    return CareTag.objects.get(code=code)


class ResidentTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentTag

    resident = factory.SubFactory(ResidentFactory)
    tag = factory.LazyFunction(lambda: tag("elderly_alone"))


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing
        skip_postgeneration_save = True

    household = factory.SubFactory(HouseholdFactory)
    worker = None
    start_date = datetime.date(2025, 1, 1)

    @factory.post_generation
    def members(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.members.set(extracted)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    household = factory.SubFactory(HouseholdFactory)
    visitor = None
    visited_on = datetime.date(2025, 3, 1)


class ServiceProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceProject

    name = factory.Sequence(lambda n: f"长者助餐{n}")
    organisation = "光明社工服务中心"
    capacity = 2
