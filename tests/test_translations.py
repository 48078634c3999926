"""Our Chinese wording is what users see.

Django merges the catalogues of all installed apps, and an app listed earlier in INSTALLED_APPS
wins for an identical msgid: Django's admin and auth, DRF and django-celery-beat come before ours,
and our apps before each other. So "Name" on a Party member list showed celery-beat's 任务名
("task name"), a meeting's "Minutes" its 分钟 (minutes of time), a committee "Position" the
service positions' 阵地 and a patrol plan's frequency the household visits' 走访周期.
Such msgids take a context (`pgettext`, `{% translate … context "…" %}`). This test fails for
any entry of our catalogues that another catalogue overrides, except the few where the other
wording is an equally good synonym.
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
    (None, "Filter"): "过滤器",  # admin's, for 筛选
    (None, "Filters"): "过滤器",  # DRF's, for 筛选
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
