"""requests_desk.queue_rows builds the same HTML as the template loop it replaced (the queue page's
rows), for every kind of row, in both languages, with and without the bulk dispatch's column."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import translation

from grids.models import AreaGrid, Community
from requests_desk.models import Category, Request, Stage
from requests_desk.queue_rows import rows_html
from requests_desk.selectors import QueueRow

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The loop of requests_desk/queue.html before it moved to Python (commit 19c25da).
TEMPLATE = """{% load i18n %}{% for row in rows %}
  <tr class="rq-card" data-code="{{ row.code }}" data-stage="{{ row.stage }}">
    {% if bulk_form %}<td class="rq-pick">{% if row.stage == "filed" or row.stage == "dispatched" or row.stage == "handling" %}<input type="checkbox" name="codes" value="{{ row.code }}" aria-label="{% translate 'Select' %} {{ row.code }}">{% endif %}</td>{% endif %}
    <td class="rq-code-cell"><a href="{% url 'requests_desk:case' row.code %}">{{ row.code }}</a></td>
    <td class="rq-category">{{ row.category.label }}</td>
    <td class="rq-where">{{ row.grid.name|default:row.community.name }}</td>
    <td class="rq-stage"><span class="badge stage-{{ row.stage }}">{{ row.get_stage_display }}</span>{% if row.extension_requested_until %} <span class="badge warn">{% translate "extension requested" %}</span>{% endif %}{% if row.reopen_requested_at %} <span class="badge warn">{% translate "reopening requested" %}</span>{% endif %}{% if not row.grid_id and row.stage in open_stages %} <a class="badge warn" href="{% url 'requests_desk:act' row.code 'place' %}" data-testid="to-place">{% translate "to place" %}</a>{% endif %}</td>
    <td class="rq-due"><span class="rq-card-label">{% translate "Due" %}{% translate ": " context "label separator" %}</span>{% if row.due_at %}<time datetime="{{ row.due_at|date:'c' }}">{{ row.due_at|date:"m-d H:i" }}</time>{% else %}<span class="help">{% translate "no deadline yet" %}</span>{% endif %}{% if row.flag_overdue %} <span class="badge bad">{% translate "overdue" %}</span>{% elif row.flag_nearly_due %} <span class="badge warn">{% translate "nearly due" %}</span>{% endif %}{% if row.flag_calendar_missing %} <span class="badge warn" title="{% translate 'The deadline falls past the holiday calendar: every weekday was counted as a working day.' %}" data-testid="calendar-missing">{% translate "calendar missing" %}</span>{% endif %}</td>
    <td class="rq-reported">{{ row.created_at|date:"Y-m-d H:i" }}</td>
    <td class="rq-source">{{ row.get_source_display }}</td>
  </tr>
  {% endfor %}"""  # noqa: E501


def _rows():
    """A row for every stage and source, with and without a grid, a deadline, an English name,
    each badge; names and a code that need escaping; times with seconds and microseconds."""
    stages = [value for value, _label in Stage.choices]
    sources = [value for value, _label in Request.Source.choices]
    created = datetime.datetime(2026, 3, 1, 23, 59, 58, 123456, tzinfo=datetime.UTC)
    rows = []
    for i, (stage, source, variant) in enumerate(
        itertools.product(stages, sources[:3], range(4)), start=1
    ):
        odd = i % 2 == 1
        due = None if variant == 0 else created + datetime.timedelta(days=i, hours=variant)
        rows.append(
            QueueRow(
                id=i,
                code="A&B'<C>" if i == 5 else f"Q{i:09d}",
                stage=stage,
                source=source if i != 7 else "unknown<source>",
                created_at=created - datetime.timedelta(days=i, minutes=7 * i),
                due_at=due if variant != 3 else due.replace(microsecond=0),
                extension_requested_until=created if variant == 1 else None,
                reopen_requested_at=created if variant == 2 or i % 5 == 0 else None,
                grid_id=None if variant in (0, 3) else i,
                category_name="垃圾 <清运> & “其他”",
                category_name_en="Rubbish 'pickup'" if odd else "",
                grid_name=None if variant in (0, 3) else ("" if i % 3 == 0 else f'网格 "{i}"'),
                community_name="社区 & 居委会",
                flag_overdue=variant == 1,
                flag_nearly_due=variant in (1, 2),
                flag_calendar_missing=variant == 3 or i % 4 == 0,
            )
        )
    return rows


def _instance(row):
    """The model instance the template read for `row` (what the page loaded before)."""
    item = Request(
        id=row.id,
        code=row.code,
        stage=row.stage,
        source=row.source,
        created_at=row.created_at,
        due_at=row.due_at,
        extension_requested_until=row.extension_requested_until,
        reopen_requested_at=row.reopen_requested_at,
        grid_id=row.grid_id,
    )
    item.category = Category(name=row.category_name, name_en=row.category_name_en)
    item.community = Community(name=row.community_name)
    if row.grid_id:
        item.grid = AreaGrid(id=row.grid_id, name=row.grid_name)
    item.flag_overdue = row.flag_overdue
    item.flag_nearly_due = row.flag_nearly_due
    item.flag_calendar_missing = row.flag_calendar_missing
    return item


@pytest.fixture
def _chinese():
    """The page's language, whatever an earlier test left active (English shows the category's
    English label, which a renamed Chinese name does not change)."""
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("pick", [True, False])
def test_rows_are_the_template_loops_html(language, pick):
    rows = _rows()
    template = engines["django"].from_string(TEMPLATE)
    with translation.override(language):
        expected = template.render(
            {
                "rows": [_instance(row) for row in rows],
                "bulk_form": object() if pick else None,
                "open_stages": Stage.OPEN,
            }
        )
        html = rows_html(rows, pick=pick)
        kept = rows_html(rows, pick=pick)  # from the kept rows' HTML
        other = rows_html(rows, pick=not pick)
    assert html == expected == kept and other != html
    assert html.count('<tr class="rq-card"') == len(rows)
    assert "calendar-missing" in html and "to-place" in html and "badge bad" in html
    assert "A&amp;B&#x27;&lt;C&gt;" in html and "<C>" not in html
    assert ('type="checkbox"' in html) == pick


def test_every_word_of_a_row_is_translated():
    # xgettext does not see a gettext() written inside an f-string: such words fell out of the
    # catalogue and showed in English on the Chinese page.
    with translation.override("zh-hans"):
        html = rows_html(_rows(), pick=True)
    for word in ("尚无期限", "申请延期中", "超期", "待定位", "缺少日历"):
        assert word in html, word
    for english in ("no deadline yet", "extension requested", "overdue", "to place"):
        assert f">{english}<" not in html, english


@pytest.mark.usefixtures("_chinese")
def test_a_kept_row_is_shown_only_as_it_is(monkeypatch):
    """A row's kept HTML is keyed on everything the row shows: a row that moved on, came due or
    was renamed is built again; each language and time zone has its own."""
    from django.utils import timezone

    from requests_desk import queue_rows

    (row,) = _rows()[:1]
    first = rows_html([row], pick=True)
    assert rows_html([row], pick=True) is not None and len(queue_rows._ROW_HTML) >= 1
    changes = {
        "stage": Stage.CLOSED,
        "flag_overdue": not row.flag_overdue,
        "category_name": "改名了",
        "grid_name": "新网格",
        "due_at": row.created_at,
    }
    for field, value in changes.items():
        changed = row._replace(**{field: value})
        assert rows_html([changed], pick=True) != first, field
        assert (
            rows_html([changed], pick=True)
            == queue_rows._built([changed], pick=True, zone=timezone.get_current_timezone())[0]
        )
    with translation.override("en"):
        english = rows_html([row], pick=True)
    with timezone.override("UTC"):
        utc = rows_html([row], pick=True)
    assert len({first, english, utc}) == 3
    assert rows_html([row], pick=True) == first


def test_no_rows_no_html():
    assert rows_html([], pick=True) == ""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_filter_options_are_the_querysets(world, categories, language):
    """The filter form's category and grid options (built from narrow rows) are what a
    ModelChoiceField of the same queryset lists: values, labels (str()), order, the empty one;
    a category added or renamed shows at once; the grids are the user's."""
    from django import forms

    from requests_desk.forms import QueueFilterForm

    top = Category.objects.filter(parent__isnull=True).first()
    Category.objects.create(
        kind=top.kind, parent=top, code="ZZ01", name="新的 <小类>", name_en="New", limit_amount=2
    )
    Category.objects.filter(code="E0103").update(name_en="")
    with translation.override(language):
        form = QueueFilterForm(
            {"stage": "", "category": str(categories["E0103"].pk)}, user=world.users.street_staff
        )
        assert form.is_valid(), form.errors
        assert form.cleaned_data["category"] == categories["E0103"]
        for name in ("category", "grid"):
            field = form.fields[name]
            plain = forms.ModelChoiceField(queryset=field.queryset, required=False)
            expected = [(str(value), str(label)) for value, label in plain.choices]
            assert [(str(value), str(label)) for value, label in field.choices] == expected
            assert len(expected) > 3
        html = str(form["category"])
    grids = [label for _value, label in form.fields["grid"].choices][1:]
    assert grids == [
        str(g)
        for g in AreaGrid.objects.filter(community__street=world.streets["A"]).order_by("code")
    ]
    assert "新的 &lt;小类&gt;" in html or "New" in html
    assert f'<option value="{categories["E0103"].pk}" selected>' in html


def test_the_queue_page_reads_five_times(client, world, make_request, django_assert_num_queries):
    """Session; the user with their permissions and unread count (accounts.session_user); the
    second factor's device; the marks of the option lists (queue_options: the categories, grids
    and departments themselves come from memory); the rows."""
    from conftest import login_verified

    login_verified(client, world.users.street_staff)
    make_request(grid="A1a")
    make_request(grid="A2a")
    client.get("/requests/queue/")
    with django_assert_num_queries(5):
        response = client.get("/requests/queue/")
    assert response.content.decode().count('<tr class="rq-card"') == 2


def test_the_filter_form_shows_each_change_and_each_users_grids_at_once(client, world, categories):
    """The filter form's HTML is reused under a key of what it shows: a renamed category, a new
    grid, another user's grids, another language, submitted values show at once."""
    from django.conf import settings

    from conftest import login_verified
    from grids.tests.factories import AreaGridFactory

    def filters(user, **params):
        login_verified(client, user)
        html = client.get("/requests/queue/", params).content.decode()
        start = html.index('<form method="get"')
        return html[start : html.index("</form>", start)]

    first = filters(world.users.street_staff)
    assert first == filters(world.users.street_staff)
    assert "A1a网格" in first and "B1a网格" not in first
    other = filters(world.users.other_street_staff)
    assert "B1a网格" in other and "A1a网格" not in other
    Category.objects.filter(code="E0103").update(name="改过的名字")
    assert "改过的名字" in filters(world.users.street_staff)
    AreaGridFactory(community=world.communities["A1"], code="44031100100199", name="新网格")
    assert "新网格" in filters(world.users.street_staff)
    chosen = filters(world.users.street_staff, stage="", sort="old")
    assert (
        '<option value="old" selected>' in chosen and '<option value="old" selected>' not in first
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Category" in filters(world.users.street_staff)


def test_row_flags_are_the_databases_predicates(world, categories):
    """The rows' overdue / nearly-due / calendar-missing flags, computed from the row's columns,
    are those of overdue_q, nearly_due_q and calendar_missing_q (with_due_flags) at the same
    `now`, on each stage and at the windows' edges."""
    from requests_desk.models import nearly_due_until
    from requests_desk.selectors import queue_page, requests_for
    from requests_desk.tests.factories import RequestFactory

    now = datetime.datetime(2026, 4, 15, 10, 0, 0, 500, tzinfo=SHANGHAI)
    second = datetime.timedelta(microseconds=1)
    edges = [None, now - second, now, now + second, nearly_due_until(now) - second]
    edges += [nearly_due_until(now), now + datetime.timedelta(days=3)]
    target = RequestFactory(grid=world.grids["A1a"])
    for stage, due_at, missing in itertools.product(Stage.values, edges, (False, True)):
        RequestFactory(
            grid=world.grids["A1a"],
            stage=stage,
            due_at=due_at,
            due_calendar_missing=missing,
            cancel_reason="重复" if stage == Stage.CANCELLED else "",
            closure_type="normal" if stage == Stage.CLOSED else "",
            merged_into=target if stage == Stage.MERGED else None,
        )
    user = world.users.district_admin
    page = queue_page(requests_for(user), page_size=1000, now=now)
    flags = {
        r.code: (r.flag_overdue, r.flag_nearly_due, r.flag_calendar_missing)
        for r in requests_for(user).with_due_flags(now)
    }
    assert len(page.rows) == len(flags) == len(Stage.values) * len(edges) * 2 + 1
    assert {
        r.code: (r.flag_overdue, r.flag_nearly_due, r.flag_calendar_missing) for r in page.rows
    } == flags
    assert set(flags.values()) >= {(True, False, True), (False, True, False)}
