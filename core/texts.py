"""System text stored as a kind and its parameters, shown in the reader's language.

Text the system writes for people (a timeline's "Reported through: resident form", an inbox
message "Request 7K… dispatched to you") used to be stored already translated, in the language
of whoever caused it: an English-reading staff member read Chinese, and the other way round. Such
text is stored as its *kind* and *parameters* instead, and rendered when it is read, in the
reader's language. Each app declares its kinds once, in `<app>/texts.py` (imported by
`CoreConfig.ready`):

    from core.texts import choice_label, text_kind

    REPORTED = text_kind(
        "requests_desk.reported",
        gettext_lazy("Reported through: %(source)s"),
        formats={"source": choice_label(Request.Source)},
    )

    event.message = REPORTED.store(source="resident_form")  # {"kind": …, "params": {…}}
    render(event.message)                                   # "上报渠道：居民表单" or "Reported …"
    str(REPORTED(source="hotline"))                         # a Text, rendered when made a str

Parameters are stored as JSON (strings, numbers, booleans). A parameter that is a code or a moment
names its formatter in `formats` (a choice's label: `choice_label`; a local date and time:
`local_moment`), applied at read time. A kind whose wording depends on its parameters gives
`render(params, public) -> str` instead of a template; `public=True` asks for the wording of a
public page. `parse` turns a text written in an earlier version (in any of the site's languages)
back into a kind and its parameters, for the data migrations of existing rows.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import pgettext

from core.periods import local

Params = dict[str, Any]
Stored = dict[str, Any]
Formatter = Callable[[Any], str]

REGISTRY: dict[str, "TextKind"] = {}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Text:
    """One system text: a kind and its parameters. `str()` renders it in the active language."""

    kind: "TextKind"
    params: Params

    def __str__(self) -> str:
        return self.kind.render(self.params)

    def store(self) -> Stored:
        return {"kind": self.kind.name, "params": dict(self.params)}


@dataclass(frozen=True)
class TextKind:
    name: str
    template: str | Promise = ""
    formats: Mapping[str, Formatter] = field(default_factory=dict)
    renderer: Callable[[Params, bool], str] | None = None
    # Earlier wordings this kind replaces (lazy msgids), tried by parse() besides `template`.
    legacy: tuple[str | Promise, ...] = ()

    def __call__(self, **params: Any) -> Text:
        return Text(self, params)

    def store(self, **params: Any) -> Stored:
        return Text(self, params).store()

    def render(self, params: Mapping[str, Any], *, public: bool = False) -> str:
        if self.renderer is not None:
            return self.renderer(dict(params), public)
        values = {
            name: self.formats[name](value) if name in self.formats else value
            for name, value in params.items()
        }
        return str(self.template) % values

    def parse(self, text: str) -> Params | None:
        """The parameters of `text` if it is this kind's wording in one of the site's languages
        (the template, or one of the legacy wordings), else None."""
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                for template in (self.template, *self.legacy):
                    if not template:
                        continue
                    found = _match(str(template), text)
                    if found is not None:
                        return self._codes(found, language)
        return None

    def _codes(self, found: Params, language: str) -> Params:
        """Labels back to codes for the parameters whose formatter is a choice's label."""
        for name, value in list(found.items()):
            formatter = self.formats.get(name)
            choices = getattr(formatter, "choices", None)
            if choices is None:
                continue
            with translation.override(language):
                codes = {str(label): code for code, label in choices}
            found[name] = codes.get(value, value)
        return found


def _match(template: str, text: str) -> Params | None:
    parts = _PLACEHOLDER.split(template)
    pattern = ""
    for index, part in enumerate(parts):
        pattern += re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
    found = re.fullmatch(pattern, text.strip(), flags=re.DOTALL)
    return found.groupdict() if found else None


def text_kind(
    name: str,
    template: str | Promise = "",
    *,
    formats: Mapping[str, Formatter] | None = None,
    render: Callable[[Params, bool], str] | None = None,
    legacy: Iterable[str | Promise] = (),
) -> TextKind:
    """Declare (once) the kind `name`: its wording, or a render function."""
    if not template and render is None:
        raise ValueError(f"text kind {name!r} needs a template or a render function")
    kind = TextKind(name, template, dict(formats or {}), render, tuple(legacy))
    REGISTRY[name] = kind
    return kind


def render(stored: Mapping[str, Any] | None, default: str = "", *, public: bool = False) -> str:
    """`stored` ({"kind", "params"}) in the active language; `default` when there is nothing to
    render or the kind is unknown (a row written by a version that had a kind since removed)."""
    if not stored:
        return default
    kind = REGISTRY.get(str(stored.get("kind", "")))
    if kind is None:
        return default
    try:
        return kind.render(stored.get("params") or {}, public=public)
    except (KeyError, ValueError, TypeError):
        return default


def parse(text: str, kinds: Iterable[TextKind]) -> Stored | None:
    """The first of `kinds` whose wording `text` is, stored; None when none matches."""
    for kind in kinds:
        params = kind.parse(text)
        if params is not None:
            return {"kind": kind.name, "params": params}
    return None


def notifications_parse(
    notification_model: Any, kinds: Iterable[str], texts: Iterable[TextKind]
) -> int:
    """For data migrations: give the stored messages of the notification `kinds` whose subject or
    body is one of `texts` (in any site language) their kinds and parameters (`message`). Rows
    that match nothing stay as they were. Returns how many rows changed."""
    texts = list(texts)
    rows = (
        notification_model.objects.filter(kind__in=list(kinds), message={})
        .only("id", "subject", "body", "message")
        .order_by("id")
    )
    changed, done = [], 0
    for row in rows.iterator(chunk_size=1000):
        message = {}
        for part, text in (("subject", row.subject), ("body", row.body)):
            found = parse(text, texts)
            if found is not None:
                message[part] = found
        if message:
            row.message = message
            changed.append(row)
        if len(changed) >= 1000:
            notification_model.objects.bulk_update(changed, ["message"])
            done, changed = done + len(changed), []
    if changed:
        notification_model.objects.bulk_update(changed, ["message"])
    return done + len(changed)


# --- Formatters ---------------------------------------------------------------------------------


class choice_label:  # noqa: N801 - used like a function: formats={"stage": choice_label(Stage)}
    """A stored code shown as its choice's label (a TextChoices class, or (code, label) pairs)."""

    def __init__(self, choices: Any) -> None:
        self._choices = choices

    @property
    def choices(self) -> list[tuple[Any, Any]]:
        choices = self._choices
        return list(choices.choices if hasattr(choices, "choices") else choices)

    def __call__(self, code: Any) -> str:
        return str(dict(self.choices).get(code, code))


def local_moment(value: Any) -> str:
    """A stored ISO moment as the district's local "YYYY-MM-DD HH:MM" (a text that is not an
    aware moment, e.g. one parsed back from an earlier wording, is shown as it is)."""
    at = parse_datetime(value) if isinstance(value, str) else value
    if not isinstance(at, datetime.datetime) or at.tzinfo is None:
        return str(value)
    return local(at).strftime("%Y-%m-%d %H:%M")


def moment(value: datetime.datetime) -> str:
    """A moment as stored in a text's parameters (ISO 8601, with its offset)."""
    return value.isoformat()


# --- Lists in a sentence -----------------------------------------------------------------------
# Chinese writes an enumeration with 、 and separates clauses with ；, English with ", " and "; ".
# Templates use core/templatetags/lists.py (`|join_list`, `{% list_separator %}`).


def list_separator() -> str:
    return pgettext("between the items of an enumeration", ", ")


def clause_separator() -> str:
    return pgettext("between clauses of a sentence", "; ")


def label_separator() -> str:
    """Between a label and its value ("标签：内容" / "label: value")."""
    return pgettext("label separator", ": ")


def join_list(items: Iterable[Any]) -> str:
    """Items as an enumeration in the active language ("a、b、c" / "a, b, c")."""
    return list_separator().join(str(item) for item in items)


def join_clauses(items: Iterable[Any]) -> str:
    """Clauses in one sentence in the active language ("a；b" / "a; b")."""
    return clause_separator().join(str(item) for item in items)
