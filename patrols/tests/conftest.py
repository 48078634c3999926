"""Patrol fixtures."""

import pytest


@pytest.fixture
def request_category(db):
    """A request sub-class (seeded by requests_desk's migration; recreated after a flush)."""
    from requests_desk.models import Category

    existing = Category.objects.filter(parent__isnull=False, active=True).first()
    if existing is not None:
        return existing
    parent = Category.objects.create(kind="event", code="T-ENV", name="市容环境")
    return Category.objects.create(
        kind="event",
        parent=parent,
        code="T-ENV-01",
        name="暴露垃圾",
        limit_amount=4,
        limit_unit="hours",
    )
