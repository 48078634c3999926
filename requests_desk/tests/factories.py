"""Factories for requests_desk tests. Requests are normally created with services.request_create
(the make_request fixture); this factory is for bulk data where the flow does not matter."""

import factory
from django.utils import timezone

from requests_desk.models import Category, Department, Request


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试部门{n}")


class RequestFactory(factory.django.DjangoModelFactory):
    """A request in a given grid (pass grid=...), placed without going through locate."""

    class Meta:
        model = Request

    source = Request.Source.RESIDENT_FORM
    category = factory.LazyFunction(lambda: Category.objects.filter(code="E0103").get())
    description = "路边垃圾堆积"
    grid = None
    community = factory.LazyAttribute(lambda o: o.grid.community)
    street = factory.LazyAttribute(lambda o: o.grid.community.street)
    created_at = factory.LazyFunction(timezone.now)
