"""The queue page's rows read through its kept statement (selectors.queue_page_for) are the rows
of the ORM's queryset (queue_page of queue_filter), for every filter, sort, cursor and
jurisdiction, the first time and from the kept statement; the filter form copies only the selects
it sets up and checks a chosen grid against the user's own grids."""

import datetime
import itertools
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_desk import queue_options, selectors
from requests_desk.forms import QueueFilterForm
from requests_desk.models import Request, Stage
from requests_desk.tests.factories import RequestFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 4, 15, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def cases(world, categories):
    """Requests in four grids and every stage, some sharing a reporting time (the cursor's id
    decides), some without a deadline, a grid or a category's top class."""
    made = []
    grids = ["A1a", "A1b", "A2a", "B1a"]
    stages = [Stage.FILED, Stage.HANDLING, Stage.DISPATCHED, Stage.CLOSED, Stage.FEEDBACK]
    for i, (grid, stage) in enumerate(itertools.product(grids, stages)):
        made.append(
            RequestFactory(
                grid=world.grids[grid],
                stage=stage,
                created_at=NOW - datetime.timedelta(hours=i // 3),
                due_at=None if i % 4 == 0 else NOW + datetime.timedelta(hours=i - 10),
                closed_at=NOW - datetime.timedelta(days=i % 3) if stage == Stage.CLOSED else None,
                closure_type="normal" if stage == Stage.CLOSED else "",
                source=Request.Source.HOTLINE if i % 2 else Request.Source.GRID_PATROL,
                address=f"幸福路{i}号",
                category=categories["E0103"] if i % 3 else categories["C0102"],
            )
        )
    Request.objects.filter(pk=made[1].pk).update(grid=None)
    return made


FILTERS = [
    {"stage": "open"},
    {"stage": ""},
    {"stage": "handling"},
    {"stage": "", "source": "hotline"},
    {"stage": "", "q": "幸福路1"},
    {"stage": "", "reported_from": "2026-04-15", "reported_to": "2026-04-15"},
    {"stage": "closed", "closed_from": "2026-04-13"},
    {"stage": "", "overdue": "on"},
    {"stage": "", "nearly_due": "on"},
    {"stage": "", "unplaced": "on"},
    {"stage": "", "category": "E0103"},
    {"stage": "", "grid": "A1b"},
]


def _pages(read, *, page_size):
    """Every page, following the next page's cursor."""
    pages, cursor = [], ""
    while True:
        page = read(cursor=cursor, page_size=page_size)
        pages.append(page)
        if not page.next_cursor:
            return pages
        cursor = page.next_cursor


@pytest.mark.parametrize("sort", ["new", "old", "due"])
def test_kept_statement_reads_the_querysets_rows(world, categories, cases, sort):
    selectors._ROWS_SQL.clear()
    users = [
        world.users.street_staff,
        world.users.grid_head,
        world.users.district_admin,
        world.users.other_street_staff,
        world.users.no_role,
    ]
    for user, data, kept in itertools.product(users, FILTERS, (False, True)):
        data = dict(data)
        if "category" in data:
            data["category"] = str(categories[data["category"]].pk)
        if "grid" in data:
            data["grid"] = str(world.grids[data["grid"]].pk)
        form = QueueFilterForm({**data, "sort": sort}, user=user)
        filters = form.filters() if form.is_valid() else None

        def ours(cursor, page_size, user=user, filters=filters):
            return selectors.queue_page_for(
                user, filters, sort=sort, cursor=cursor, page_size=page_size, now=NOW
            )

        def orm(cursor, page_size, user=user, filters=filters):
            qs = selectors.requests_for(user)
            if filters is not None:
                qs = selectors.queue_filter(qs, **filters, now=NOW)
            return selectors.queue_page(qs, sort=sort, cursor=cursor, page_size=page_size, now=NOW)

        # The second time from the kept statement, with other cursors' values.
        expected = _pages(orm, page_size=3)
        assert _pages(ours, page_size=3) == expected, (user, data, kept)
        if kept:
            assert sum(len(p.rows) for p in expected) == len(
                list(
                    selectors.queue_filter(selectors.requests_for(user), **filters, now=NOW)
                    if filters is not None
                    else selectors.requests_for(user)
                )
            )
    # Kept: the first pages' statements and the later pages' (the cursor's values apart).
    assert any(key[4] is None for key in selectors._ROWS_SQL)
    assert any(key[4] for key in selectors._ROWS_SQL)


def test_kept_statement_is_the_orms_sql_and_reads_once(world, cases):
    """One statement, the ORM's own text; the statements of filters that read `now` are not
    kept; a jurisdiction without rows reads nothing."""
    selectors._ROWS_SQL.clear()
    user = world.users.street_staff
    filters = {"stage": "open"}
    form = QueueFilterForm(filters, user=user)
    assert form.is_valid()
    qs = selectors.queue_filter(selectors.requests_for(user), **form.filters(), now=NOW)
    rows = qs.order_by("-created_at", "-id").values_list(*selectors.QUEUE_ROW_FIELDS)[:51]
    expected = connection.ops.compose_sql(*rows.query.sql_with_params())
    names = queue_options.row_names()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            selectors.queue_page_for(user, form.filters(), now=NOW, names=names)
        assert [q["sql"] for q in queries.captured_queries] == [expected]
    assert len(selectors._ROWS_SQL) == 1
    overdue = QueueFilterForm({"stage": "", "overdue": "on"}, user=user)
    assert overdue.is_valid()
    selectors.queue_page_for(user, overdue.filters(), now=NOW, names=names)
    assert len(selectors._ROWS_SQL) == 1
    with CaptureQueriesContext(connection) as queries:
        page = selectors.queue_page_for(world.users.no_role, None, now=NOW, names=names)
    assert page.rows == [] and not queries.captured_queries


# A naive cursor is what a crafted URL may send: Django warns while reading it as the queryset does.
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning")
def test_a_cursor_that_is_not_ours_or_naive_reads_as_the_queryset(world, cases):
    user = world.users.district_admin
    import base64

    for raw in ("2026-04-15T09:00:00|999999", "2026-04-15T09:00:00+08:00|999999", "x", "|5"):
        cursor = base64.urlsafe_b64encode(raw.encode()).decode()
        for sort in ("new", "due"):
            ours = selectors.queue_page_for(user, None, sort=sort, cursor=cursor, now=NOW)
            orm = selectors.queue_page(
                selectors.requests_for(user), sort=sort, cursor=cursor, now=NOW
            )
            assert ours == orm, (raw, sort)


def test_the_filter_forms_share_no_field_they_change(world, categories):
    street = QueueFilterForm({"stage": "open"}, user=world.users.street_staff)
    other = QueueFilterForm({"stage": "open"}, user=world.users.other_street_staff)
    for name in ("category", "grid"):
        assert street.fields[name] is not other.fields[name]
        assert street.fields[name] is not QueueFilterForm.base_fields[name]
    assert street.fields["stage"] is other.fields["stage"]
    assert street.fields is not other.fields


def test_a_chosen_grid_is_checked_against_the_users_own_grids(world, categories):
    mine, theirs = world.grids["A1a"], world.grids["B1a"]
    user = world.users.street_staff
    form = QueueFilterForm({"grid": str(mine.pk)}, user=user)
    assert form.is_valid() and form.cleaned_data["grid"] == mine
    form = QueueFilterForm({"grid": str(theirs.pk)}, user=user)
    assert not form.is_valid() and "grid" in form.errors
    grids = set(QueueFilterForm({}, user=user).fields["grid"].queryset)
    assert mine in grids and theirs not in grids


def test_the_rows_times_are_read_as_djangos_loader_reads_them():
    """selectors._fetch reads timestamptz text with fromisoformat: the same values (and time
    zone) as Django's loader; what fromisoformat does not read fails as Django's does."""
    from django.db.utils import DataError

    sql = (
        "SELECT %s::timestamptz, '2026-04-15 10:00:00.5+08'::timestamptz, NULL::timestamptz,"
        " '0099-01-01 00:00:00+00'::timestamptz, '2026-01-01 00:00:00.000001-03:30'::timestamptz,"
        " '9999-12-31 23:59:59.999999+00'::timestamptz"
    )
    params = (datetime.datetime(2026, 4, 15, 10, 0, 0, 123456, tzinfo=SHANGHAI),)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        expected = cursor.fetchall()
    (row,) = selectors._fetch(sql, params)
    assert [row] == expected and row[2] is None
    assert [getattr(v, "tzinfo", None) for v in row] == [
        getattr(v, "tzinfo", None) for v in expected[0]
    ]
    for odd in ("infinity", "2026-01-01 00:00:00 BC"):
        with pytest.raises(DataError), connection.cursor() as cursor:
            cursor.execute("SELECT %s::timestamptz", [odd])
            cursor.fetchall()
        with pytest.raises(DataError):
            selectors._fetch("SELECT %s::timestamptz", (odd,))


def test_a_valid_filter_forms_outcome_is_kept_without_a_form(world, categories):
    """The queue page's filter form: the second time the same values are submitted (no category
    or grid chosen) no form is built, and the cleaned values and fields' HTML are the form's;
    a chosen category, an invalid value, another language or changed options build one."""
    from django.http import QueryDict
    from django.utils import translation

    from requests_desk import forms

    forms._CLEANED.clear()
    user = world.users.street_staff
    options = queue_options.options_for(user)
    data = QueryDict("stage=handling&sort=old&q=%20A1&reported_from=2026-04-01&overdue=on")
    first = QueueFilterForm.for_page(data, user=user, options=options)
    assert isinstance(first, QueueFilterForm) and first.is_valid()
    html = first.fields_html()
    kept = QueueFilterForm.for_page(data.copy(), user=user, options=options)
    assert isinstance(kept, forms.KeptFilterForm)
    assert kept.is_valid() and not kept.errors
    assert kept.filters() == first.filters() and kept.cleaned_data == first.cleaned_data
    assert kept.fields_html() == html
    kept.cleaned_data["q"] = "changed"
    assert QueueFilterForm.for_page(data, user=user, options=options).filters() == first.filters()
    with translation.override("en"):
        assert isinstance(
            QueueFilterForm.for_page(data, user=user, options=options), QueueFilterForm
        )
    other = queue_options.QueueOptions(
        options.categories, options.grids[:1], options.departments, options.names
    )
    assert isinstance(QueueFilterForm.for_page(data, user=user, options=other), QueueFilterForm)
    chosen = QueryDict(f"stage=&category={categories['E0103'].pk}")
    for _ in range(2):
        form = QueueFilterForm.for_page(chosen, user=user, options=options)
        assert isinstance(form, QueueFilterForm) and form.is_valid()
        form.fields_html()
    wrong = QueryDict("stage=nope&reported_from=2026-13-01")
    for _ in range(2):
        form = QueueFilterForm.for_page(wrong, user=user, options=options)
        assert isinstance(form, QueueFilterForm) and not form.is_valid()
        form.fields_html()


def test_the_queue_page_is_the_same_from_a_kept_filter_form(client, world, make_request):
    from conftest import login_verified
    from requests_desk import forms

    login_verified(client, world.users.street_staff)
    make_request(grid="A1a")
    for params in ({}, {"stage": "", "sort": "due", "source": "grid_patrol"}):
        first = client.get("/requests/queue/", params)
        again = client.get("/requests/queue/", params)
        assert isinstance(again.context["form"], forms.KeptFilterForm)
        token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
        assert token.sub("", again.content.decode()) == token.sub("", first.content.decode())
        assert 'class="rq-card"' in first.content.decode()


def test_the_bulk_dispatch_target_is_kept_by_language_and_departments(world):
    from django.utils import translation

    from requests_desk import forms

    forms._TARGET_HTML.clear()
    departments = ((1, "城管"), (2, "水务"))
    first = forms.BulkDispatchForm.for_page(departments)
    assert isinstance(first, forms.BulkDispatchForm)
    html = first.target_html()
    assert "水务" in html and "own_street" in html
    kept = forms.BulkDispatchForm.for_page(departments)
    assert isinstance(kept, forms.KeptBulkForm) and kept.target_html() == html
    assert isinstance(forms.BulkDispatchForm.for_page(departments[:1]), forms.BulkDispatchForm)
    with translation.override("en"):
        assert isinstance(forms.BulkDispatchForm.for_page(departments), forms.BulkDispatchForm)
    bound = forms.BulkDispatchForm({"target": "department:2"}, departments=departments)
    assert bound.is_valid() and bound.cleaned_data["target"] == "department:2"
    assert not forms.BulkDispatchForm(
        {"target": "department:3"}, departments=departments
    ).is_valid()
