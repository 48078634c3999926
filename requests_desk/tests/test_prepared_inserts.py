"""The submission's Python kept short (issue 17): its INSERTs' SQL built once per process
(requests_desk.inserts), its category not built twice, its bound form sharing the class's
fields. Each must give what the longer way gave."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.db.models.functions import Now
from django.utils import timezone
from psycopg.adapt import Transformer

from core.change_marks import row_mark
from core.db_batch import insert_sql
from notifications.models import Notification
from requests_desk import selectors
from requests_desk.inserts import PreparedInsert
from requests_desk.models import CATEGORIES_MARK_SQL, Request, RequestEvent, Stage

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PreparedInsert writes PostgreSQL's SQL"
)


@pytest.fixture
def plain_encryption(monkeypatch):
    """Encryption without its random IV and time, and one time for auto_now: two INSERTs of
    the same instance compare."""
    monkeypatch.setattr("privacy.crypto.encrypt", lambda value: f"enc:{value}")
    moment = timezone.now()
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def _statement(sql, params) -> bytes:
    """The statement as core.db_batch.execute sends it (each parameter as its literal)."""
    connection.ensure_connection()
    raw = connection.connection
    transformer = Transformer(raw)
    literals = tuple(b"NULL" if p is None else transformer.as_literal(p) for p in params)
    return sql.encode() % literals


def _same(obj):
    ours, django = PreparedInsert(type(obj)).sql(obj), insert_sql([obj])
    assert ours[0] == django[0]
    assert _statement(*ours) == _statement(*django)
    return ours


def _request(world, category, **values):
    grid = world.grids["A1a"]
    fields = {
        "id": 987654,
        "source": Request.Source.RESIDENT_FORM,
        "category": category,
        "description": "楼下垃圾桶旁边堆满垃圾 100%",
        "location": grid.boundary.centroid,
        "street": grid.community.street,
        "community": grid.community,
        "grid": grid,
        "reporter_name": "张三",
        "reporter_phone": "13900000001",
        "consent": True,
        "attribute_values": {"floor": 3},
        "created_at": timezone.now(),
        **values,
    }
    return Request(**fields)


@pytest.mark.django_db
def test_a_request_is_written_as_django_writes_it(world, categories, plain_encryption):
    category = categories["E0103"]
    sql, params = _same(_request(world, category))
    assert sql.startswith('INSERT INTO "requests_desk_request" ("id", "code", ')
    # No point, no grid, staff-entered, an e-mail: other values, the same answer.
    _same(
        _request(
            world,
            category,
            location=None,
            grid=None,
            reporter_email="a@example.com",
            created_by=world.users.grid_head,
        )
    )
    # A point in another SRID: Django's placeholder transforms it, and so does the kept SQL.
    projected = _request(world, category, location=Point(12683000.0, 2600000.0, srid=3857))
    sql, _params = _same(projected)
    assert "ST_Transform" in sql
    # Without its id the key is left to the sequence, as insert_sql does.
    _same(_request(world, category, id=None))


@pytest.mark.django_db
def test_a_timeline_entry_and_a_notice_are_written_as_django_writes_them(
    world, categories, plain_encryption
):
    case = _request(world, categories["E0103"])
    event = RequestEvent(
        request=case,
        action="report",
        from_stage="",
        to_stage=Stage.REPORTED,
        message={"kind": "requests_desk.reported", "params": {"source": "resident_form"}},
        public=True,
        created_at=case.created_at,
    )
    _same(event)
    notice = Notification(
        recipient=world.users.grid_head,
        channel=Notification.Channel.EMAIL,
        address="head@example.com",
        kind="request_new",
        subject="新诉求",
        body="楼下垃圾桶",
        link="/requests/case/ABC/",
    )
    _same(notice)


@pytest.mark.django_db
def test_an_expression_is_left_to_django(world, categories):
    case = _request(world, categories["E0103"], created_at=Now())
    sql, _params = PreparedInsert(Request).sql(case)
    assert "STATEMENT_TIMESTAMP()" in sql or "CURRENT_TIMESTAMP" in sql
    assert sql == insert_sql([case])[0]


@pytest.mark.django_db
def test_the_category_the_form_read_is_reused_only_from_the_same_copy(categories):
    chosen = categories["E0103"]
    mark = row_mark(CATEGORIES_MARK_SQL)
    first = selectors.active_subclass_at(chosen.pk, mark)
    # The form reads the copy just kept: the submission at the same mark keeps that instance.
    from_form = selectors.active_subclass(chosen.pk)
    assert from_form is not first
    assert selectors.active_subclass_at(chosen.pk, mark, known=from_form) is from_form
    # Another mark is another copy: a new instance, as it is at that mark.
    again = selectors.active_subclass_at(chosen.pk, mark + 1, known=from_form)
    assert again is not from_form and again.pk == chosen.pk
    assert again.parent.pk == chosen.parent_id
    # An instance from elsewhere is never taken for the copy's.
    assert selectors.active_subclass_at(chosen.pk, mark + 1, known=chosen) is not chosen


@pytest.mark.django_db
def test_resident_forms_share_the_class_fields_and_keep_their_own_data(world, categories):
    from requests_desk.forms import ReportForm, StaffEntryForm

    community = world.grids["A1a"].community
    bad = ReportForm({"category": "", "description": "短"})
    good = ReportForm(
        {
            "category": str(categories["E0103"].pk),
            "description": "路灯连续三晚不亮",
            "community": str(community.pk),
            "address": "光明社区一巷3号",
        }
    )
    assert bad.fields is not good.fields
    for name, field in ReportForm.base_fields.items():
        assert bad.fields[name] is good.fields[name] is field
    assert not bad.is_valid() and {"category", "description"} <= set(bad.errors)
    assert good.is_valid(), good.errors
    assert good.cleaned_data["community"] == community.pk
    assert "短" in str(bad["description"]) and "短" not in str(good["description"])
    del bad.fields["photos"]
    assert "photos" in good.fields and "photos" in ReportForm.base_fields
    # A subclass's forms copy their fields as Django does.
    staff = StaffEntryForm({})
    assert staff.fields["description"] is not ReportForm.base_fields["description"]
