"""Our Chinese wording is what users see.

Django merges the catalogues of all installed apps, and an app listed earlier in INSTALLED_APPS
wins for an identical msgid: Django's admin and auth, DRF and django-celery-beat come before ours,
and our apps before each other. So "Name" on a Party member list showed celery-beat's 任务名
("task name"), a meeting's "Minutes" its 分钟 (minutes of time), a committee "Position" the
service positions' 阵地 and a patrol plan's frequency the household visits' 走访周期.
Such msgids take a context (`pgettext`, `{% translate … context "…" %}`). This test fails for
any entry of our catalogues that another catalogue overrides, except the few where the other
wording is an equally good synonym.

Words of other packages that show on our pages and that we word differently (Django admin's and
DRF's 过滤器 for "Filter", Leaflet's English map tools) are translated in the project catalogue,
which wins over every other (redgrid/third_party_strings.py). The tests below fail on a wrong
word wherever it would show: any msgid of any catalogue rendering 过滤器, Django's "---------" in
a select, a "Lon:"/"Lat:" label, English map tool titles.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
# Overridden by another catalogue (Django's, a library's, or one of our apps listed earlier in
# INSTALLED_APPS) with a wording that is just as right where it shows. Anything else that is
# overridden gets a context instead.
ACCEPTED_SYNONYMS = {
    (None, "name"): "名称",  # auth's; ours said 姓名 for people
    (None, "active"): "有效",  # auth's, for 启用
    (None, "Description"): "描述",  # celery-beat's, for 问题描述 on the case page
    (None, "Hours"): "小时",  # celery-beat's, for 时长 (a column of hours)
    (None, "code"): "编码",  # for 代码
    (None, "Code"): "编码",  # for 代码 / 查询码
    (None, "staff sent down from the street or community"): "街道或社区下沉人员",
    (None, "grid worker"): "综合网格员",
    (None, "Show"): "显示",  # a form's submit button, for 查看
    (None, "From"): "开始",  # for 自
    (None, "description"): "简介",  # for 说明 / 描述 (admin field labels)
    (None, "capacity"): "容纳人数",  # for 名额 / 容量
    (None, "confirmed"): "已确认",  # for 确认于
    (None, "Members"): "党员",  # volunteers are Party members; for 成员
    (None, "Place"): "地点",  # for 位置
    (None, "request"): "诉求",  # for 诉求案件
    (None, "overdue"): "超期",  # for 已逾期
    (None, "Page %(n)s of %(total)s"): "第%(n)s页，共%(total)s页",
    (None, "State the purpose of this access (at least %(n)s characters)."): (
        "请说明本次访问的用途（至少 %(n)s 个字）。"
    ),
    (None, "Finding your location…"): "正在获取您的位置…",
    (None, "Checked in"): "签到",  # for 已打卡
    (None, "Requests received"): "收到诉求数",
    (None, "Requests closed"): "结案数",
    (None, "nearly due"): "即将到期",  # for 临期
    (None, "due"): "处置期限",  # a request's time limit, for 时限
    (None, "service position"): "服务阵地",  # for 党群服务阵地
}


def our_catalogues():
    yield ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    for app in settings.INSTALLED_APPS:
        path = ROOT / app.split(".")[0] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if path.exists():
            yield path


def test_no_other_catalogue_overrides_our_chinese_wording():
    overridden = []
    with translation.override("zh-hans"):
        for path in our_catalogues():
            for entry in polib.pofile(str(path)):
                if entry.obsolete or entry.fuzzy or not entry.msgstr or entry.msgid_plural:
                    continue
                key = (entry.msgctxt, entry.msgid)
                if entry.msgctxt:
                    shown = translation.pgettext(entry.msgctxt, entry.msgid)
                else:
                    shown = translation.gettext(entry.msgid)
                if shown != entry.msgstr and ACCEPTED_SYNONYMS.get(key) != shown:
                    overridden.append(
                        f"{path.relative_to(ROOT)}: {entry.msgid!r} shows {shown!r}, "
                        f"not {entry.msgstr!r}"
                    )
    assert not overridden, "\n".join(overridden)


def test_the_words_that_were_wrong_are_right_now():
    with translation.override("zh-hans"):
        assert translation.pgettext("person", "Name") == "姓名"
        assert translation.pgettext("of a meeting", "Minutes") == "会议记录"
        assert translation.pgettext("difference between two months", "Change") == "变化"
        assert translation.pgettext("committee seat", "Position") == "职务"
        assert translation.pgettext("where", "position") == "位置"
        assert translation.pgettext("patrol plan", "visit every (days)") == "巡查周期（天）"
        assert translation.pgettext("request closing time", "closed") == "结案时间"


# Words that must not show anywhere on a Chinese page, with the word that replaces them.
WRONG_WORDS = {"过滤器": "筛选"}


def test_no_catalogue_shows_a_wrong_word():
    """Every msgid of every catalogue Django merges (ours, Django's, the libraries'), rendered
    in Chinese, is free of the wrong words."""
    from django.utils.translation import trans_real

    # The merged catalogue: each key resolves to the translation that wins (LOCALE_PATHS first,
    # then the apps in INSTALLED_APPS order, then Django's own).
    catalog = trans_real.translation("zh-hans")._catalog
    shown = {}
    for key in catalog.keys():  # noqa: SIM118 - TranslationCatalog is not a dict
        value = catalog[key]
        shown[key] = value if isinstance(value, str) else " ".join(value)
    wrong = {msgid: text for msgid, text in shown.items() for word in WRONG_WORDS if word in text}
    assert not wrong, wrong
    with translation.override("zh-hans"):
        assert translation.gettext("Filter") == "筛选"
        assert translation.gettext("Filters") == "筛选"


def test_the_map_tools_speak_chinese():
    from redgrid.context_processors import map_strings
    from redgrid.third_party_strings import LEAFLET_DRAW

    with translation.override("zh-hans"):
        strings = {k: str(v) for k, v in map_strings().items()}
        assert strings["zoomIn"] == "放大" and strings["zoomOut"] == "缩小"
        assert "🇺🇦" not in strings["attribution"] and "红网格" in strings["attribution"]
        english = [m for m in LEAFLET_DRAW if translation.gettext(m) == m]
    assert not english, english


def test_an_empty_choice_reads_please_choose(db):
    """Django's "---------" (a nullable foreign key, a blank choice field) shows as 请选择, in
    our forms and the admin's alike (templates/django/forms/widgets/select_option.html)."""
    from django import forms

    from requests_desk.models import Request

    class Form(forms.ModelForm):
        class Meta:
            model = Request
            fields = ["grid", "closure_type"]

    with translation.override("zh-hans"):
        html = str(Form())
    assert "---------" not in html
    assert html.count(">请选择</option>") == 2


def test_hidden_position_fields_have_no_visible_label(db):
    from django.template.loader import render_to_string

    from patrols.forms import FindingForm

    with translation.override("zh-hans"):
        html = render_to_string("care/form_fields.html", {"form": FindingForm(places=[])})
    assert "Lon" not in html and "Lat" not in html
    assert 'type="hidden" name="lon"' in html and 'type="hidden" name="lat"' in html
