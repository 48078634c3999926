"""Seeded lookup lists have a name in the reader's language (core.lookups.TranslatedName): care
tags, facilities, functions, volunteer activity categories and request categories, all five the
same way (a Chinese name and an English one, filled for the seeded rows, editable in the admin)."""

import pytest
from django.utils import translation

from care.models import CareTag
from requests_desk.models import Category
from service_points.models import Facility, Function
from volunteers.models import ActivityCategory

pytestmark = pytest.mark.django_db

SEEDED = [
    (CareTag, "elderly_alone", "独居老人", "elderly living alone"),
    (Facility, "book_bar", "书吧", "book bar"),
    (Function, "governance", "治理功能", "governance function"),
    (ActivityCategory, "hazard_inspection", "隐患排查", "hazard inspection"),
    (Category, "E0103", "暴露垃圾", "exposed rubbish"),
]


@pytest.mark.parametrize(("model", "code", "zh", "en"), SEEDED)
def test_seeded_rows_read_in_both_languages(model, code, zh, en):
    row = model.objects.get(code=code)
    with translation.override("zh-hans"):
        assert row.label == zh
    with translation.override("en"):
        assert row.label == en
    assert model.objects.filter(name_en="").count() == 0, "every seeded row has its English"


def test_a_row_without_english_shows_its_chinese_name():
    tag = CareTag.objects.create(code="veteran", name="退役军人", default_frequency_days=30)
    with translation.override("en"):
        assert tag.label == "退役军人" and str(tag) == "退役军人"


def test_a_sub_class_reads_with_its_top_class():
    sub = Category.objects.get(code="E0103")
    with translation.override("en"):
        assert str(sub) == "city appearance and environment / exposed rubbish"


def test_the_case_page_in_english_names_the_category_in_english(client, world):
    from requests_desk.models import Request
    from requests_desk.services import request_create

    grid = world.grids["A1a"]
    case = request_create(
        source=Request.Source.GRID_PATROL,
        category=Category.objects.get(code="E0103"),
        description="路边有暴露垃圾，需要清理",
        location=(grid.boundary.centroid.x, grid.boundary.centroid.y),
    )
    client.force_login(world.users.grid_head)
    client.cookies["django_language"] = "en"
    page = client.get(f"/requests/case/{case.code}/").content.decode()
    assert "exposed rubbish" in page and "Reported through: grid patrol" in page
