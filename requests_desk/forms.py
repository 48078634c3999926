import copy
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.contrib.gis.geos import Point
from django.forms.utils import ErrorDict
from django.template.loader import render_to_string
from django.utils.choices import BaseChoiceIterator
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.bounded import Bounded
from core.fields import MultiplePhotoField
from core.forms_renderer import field_html
from core.phones import MOBILE_PHONE
from grids import gazetteer
from grids.jurisdiction import scope_queryset
from grids.models import AreaGrid, Community
from requests_desk import flow
from requests_desk.conf import conf
from requests_desk.models import Category, Department, Request, Stage
from requests_desk.queue_options import QueueOptions
from requests_desk.selectors import active_subclass, categories_tree

if TYPE_CHECKING:
    from django.db.models import QuerySet

PHONE_PATTERN = MOBILE_PHONE.pattern


def category_choices():
    choices = [("", _("Choose what the problem is…"))]
    for top in categories_tree():
        label = f"{top.get_kind_display()} · {top.label}"
        choices.append((label, [(str(sub.pk), sub.label) for sub in top.children.all()]))
    return choices


class CategoryField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=category_choices, coerce=int, **kwargs)

    def validate(self, value):
        # Only "required": whether the pk names an active sub-class is checked in clean() (from
        # the process's copy of the sub-classes, requests_desk.selectors.active_subclass), so a
        # submission does not build the whole category tree to validate it.
        forms.Field.validate(self, value)

    def clean(self, value):
        pk = super().clean(value)
        if pk in ("", None):
            return None
        category = active_subclass(pk)
        if category is None:
            raise forms.ValidationError(_("Choose a sub-class."))
        return category


def community_choices():
    rows = Community.objects.current().select_related("street").order_by("street__code", "code")
    grouped = {}
    for c in rows:
        grouped.setdefault(c.street.name, []).append((str(c.pk), c.name))
    return [("", _("Choose the community…"))] + list(grouped.items())


class _SharedFields(dict):
    """A form's base_fields whose deep copy (each form's own fields: BaseForm.__init__) copies
    only the fields a form instance changes (`own`) and shares the others, which nothing changes
    once the class is built: copying the stage, source and sort selects' translated choices was
    half of the queue filter form's set-up (issue 17)."""

    def __init__(self, fields: dict, own: set[str]):
        super().__init__(fields)
        self.own = frozenset(own)

    def __deepcopy__(self, memo: dict) -> dict:
        return {
            name: copy.deepcopy(field, memo) if name in self.own else field
            for name, field in self.items()
        }


class ReportForm(forms.Form):
    """The resident's form: phone first, works without JavaScript (community + address)."""

    category = CategoryField(label=_("What is the problem?"))
    description = forms.CharField(
        label=_("Describe it"),
        min_length=5,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"min_length": _("Describe the problem in at least 5 characters.")},
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    community = forms.TypedChoiceField(
        label=_("Community"),
        required=False,
        coerce=int,
        choices=community_choices,
        empty_value=None,
    )
    address = forms.CharField(label=_("Address or landmark"), required=False, max_length=200)
    # The gazetteer (grids.gazetteer): a search without JavaScript re-shows the form with the
    # places found as choices of `place` (a reference "kind:id"); with JavaScript the map is set.
    place_q = forms.CharField(
        label=_("Find the place by name or address"),
        required=False,
        max_length=gazetteer.QUERY_MAX,
        help_text=_("An estate, a market, a service centre, a community or a grid."),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    place = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)
    photos = MultiplePhotoField(label=_("Photos (up to 4: JPEG, PNG or WebP)"))
    reporter_name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=60)
    reporter_phone = forms.RegexField(
        label=_("Mobile phone (optional)"),
        required=False,
        regex=PHONE_PATTERN,
        error_messages={"invalid": _("Enter an 11-digit mainland mobile number.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that my name and contact details are used only to handle this request "
            "and to tell me about its progress."
        ),
        required=False,
    )
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # Signed token of the photos kept while the form is shown again (requests_desk/pending.py).
    pending_photos = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        cleaned["location"] = (
            Point(lon, lat, srid=4326) if lat is not None and lon is not None else None
        )
        cleaned["address_id"] = ""
        if cleaned["location"] is None and cleaned.get("place"):
            self._use_place(cleaned)
        if cleaned["location"] is None and not cleaned.get("community"):
            raise forms.ValidationError(
                _("Tap the map, share your location, or choose the community and type the address.")
            )
        if cleaned["location"] is None and not (cleaned.get("address") or "").strip():
            self.add_error("address", _("Type the address so that staff can find the place."))
        if (cleaned.get("reporter_phone") or cleaned.get("reporter_email")) and not cleaned.get(
            "consent"
        ):
            self.add_error(
                "consent",
                _(
                    "Tick the consent line to leave your contact details, "
                    "or leave them empty to report anonymously."
                ),
            )
        return cleaned

    def _use_place(self, cleaned):
        """A place chosen from the gazetteer's results (no JavaScript): a place with a point
        gives the point; a community or a grid gives the community (and the grid's name as the
        address, which routes the request to it: requests_desk.services)."""
        place = gazetteer.place_get(cleaned["place"])
        if place is None:
            self.add_error("place_q", _("That place is no longer known. Search again."))
            return
        address = (cleaned.get("address") or "").strip()
        if place.kind in ("community", "grid"):
            community = Community.objects.current().filter(code=place.community_code).first()
            cleaned["community"] = community.pk if community else None
            if place.kind == "grid" and not address:
                cleaned["address"] = place.name
            return
        cleaned["location"] = Point(place.lon, place.lat, srid=4326)
        cleaned["address_id"] = place.ref
        if not address:
            cleaned["address"] = " ".join(x for x in (place.name, place.address) if x)


# Each resident's form shares the class's fields: nothing changes them once the class is built
# (the view changes the form's data and errors only), and Django's deep copy of fifteen fields
# and their widgets was the largest single part of a submission's Python (issue 17).
ReportForm.base_fields = _SharedFields(ReportForm.base_fields, own=set())


class AlertForm(forms.Form):
    """Alerts of new public reports in an area (requests_desk.alerts)."""

    contact = forms.CharField(
        label=_("E-mail or mobile phone"),
        max_length=200,
        help_text=_("We send a link to confirm first. Every alert has a link to stop them."),
        widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )


class StaffEntryForm(ReportForm):
    """Staff entering a request on a caller's behalf (hotline 12345), from a patrol, a visit…"""

    source = forms.ChoiceField(
        label=_("Source"),
        choices=[
            (v, label)
            for v, label in Request.Source.choices
            if v not in (Request.Source.RESIDENT_FORM, Request.Source.OPEN311)
        ],
    )

    field_order = ["source"]


# The five answers of a satisfaction rating, best first (the words of the 12345 hotline's survey).
SCORE_WORDS = {
    5: _("Very satisfied"),
    4: _("Satisfied"),
    3: _("Neither"),
    2: _("Dissatisfied"),
    1: _("Very dissatisfied"),
}


def score_word(score) -> str:
    """The word of a score (an average is rounded half up: 2.5 reads "neither")."""
    return str(SCORE_WORDS[min(5, max(1, int(Decimal(score) + Decimal("0.5"))))])


class StarsWidget(forms.RadioSelect):
    """Five choices shown as stars with their word (requests_desk/_stars.html): radio buttons,
    so they work without JavaScript and with a keyboard."""

    template_name = "requests_desk/widgets/stars.html"


def _score_field(label, *, required):
    return forms.TypedChoiceField(
        label=label,
        required=required,
        choices=list(SCORE_WORDS.items()),
        coerce=int,
        empty_value=None,
        widget=StarsWidget,
        error_messages={"required": _("Choose how satisfied you are.")},
    )


_RATING_FIELDS_HTML: dict[tuple[str, bool], str] = {}


class RatingForm(forms.Form):
    """The resident's rating: one question with five answers (stars and words), and the four
    aspects the district's figures count (flow's "rate": speed, result, service, quality of
    feedback), each taking the overall answer unless the resident gives it apart."""

    score = _score_field(
        _("How satisfied are you with how your request was handled?"), required=True
    )
    speed = _score_field(_("Speed"), required=False)
    result = _score_field(_("Result"), required=False)
    service = _score_field(_("Service"), required=False)
    feedback_quality = _score_field(_("Quality of feedback"), required=False)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proof = forms.CharField(
        label=_("Your rating key, or the last 4 digits of the phone you left"),
        help_text=_("The rating key was shown with the tracking code when you sent the request."),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    # The resident was told that this rating sends the request back, and sends it anyway
    # (set by the confirmation step, or by requests_desk/rating.js once the warning is shown).
    confirm_low = forms.BooleanField(required=False, widget=forms.HiddenInput)

    DETAILS = ("speed", "result", "service", "feedback_quality")

    def __init__(self, *args, needs_proof=True, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser that sent the request proves it with its cookie (requests_desk.proof).
        if not needs_proof:
            del self.fields["proof"]

    @classmethod
    def unbound_fields_html(cls, *, needs_proof: bool) -> str:
        """The fields of an unbound form (status.html's _rating_fields.html), rendered once per
        language and kind (with or without the proof field) in this process: the same for every
        request, and 40 % of the status page's rendering time; no form is built for a page that
        shows them. A bound form (errors, chosen stars) is rendered by the page each time."""
        key = (get_language() or "", needs_proof)
        if key not in _RATING_FIELDS_HTML:
            form = cls(needs_proof=needs_proof)
            _RATING_FIELDS_HTML[key] = render_to_string(
                "requests_desk/_rating_fields.html",
                {"rating_form": form, "rating_details": [form[n] for n in cls.DETAILS]},
            )
        return _RATING_FIELDS_HTML[key]

    def scores(self) -> dict:
        """flow.transition's "rate" parameters: each aspect, or the overall answer."""
        data = self.cleaned_data
        scores = {name: data.get(name) or data["score"] for name in self.DETAILS}
        return {**scores, "comment": data.get("comment", "")}

    def sends_back(self) -> bool:
        """Whether this rating is an unsatisfied one, which sends the request back to be
        handled again (the flow's rule: the average below UNSATISFIED_BELOW)."""
        scores = [self.scores()[name] for name in self.DETAILS]
        return Decimal(sum(scores)) / len(scores) < conf.UNSATISFIED_BELOW


class MinePhoneForm(forms.Form):
    """“My requests”, step 1: the phone the resident left with their requests."""

    phone = forms.RegexField(
        label=_("Mobile phone you left with your requests"),
        regex=PHONE_PATTERN,
        error_messages={"invalid": _("Enter an 11-digit mainland mobile number.")},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class MineCodeForm(forms.Form):
    """“My requests”, step 2: the 6-digit code sent to that phone."""

    code = forms.RegexField(
        label=_("6-digit code from the SMS"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the 6 digits of the SMS.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}
        ),
    )


QUEUE_FILTERS = (
    "stage",
    "category",
    "grid",
    "source",
    "overdue",
    "nearly_due",
    "extension",
    "reopen",
    "unplaced",
    "q",
    "reported_from",
    "reported_to",
    "closed_from",
    "closed_to",
)


class DayField(forms.DateField):
    """An ISO date (YYYY-MM-DD) with the browser's date picker."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)


class _Options(BaseChoiceIterator):
    """A ModelChoiceField's choices: its empty label, then the (pk, label) pairs of `rows()`,
    read only past the empty label like ModelChoiceIterator (the widget peeks at the first
    choice to decide on its `required` attribute)."""

    def __init__(self, field: forms.ModelChoiceField, rows):
        self.field, self.rows = field, rows

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.rows()


def _category_labels(rows):
    """(pk, str(category)) of `_category_rows`: "top class / sub-class", or the top class."""
    english = (get_language() or "").startswith("en")

    def label(name, name_en):
        return name_en if english and name_en else name

    for pk, name, name_en, parent_id, parent_name, parent_name_en in rows:
        own = label(name, name_en)
        yield pk, f"{label(parent_name, parent_name_en)} / {own}" if parent_id else own


# The filter form's fields as HTML, per process, under a key of everything they show: the
# language, the submitted values and the option rows read for this request (so a category or grid
# added, renamed or redrawn is a new key at once, and a user sees only their own grids). Valid
# forms only; emptied when full.
_FIELDS_HTML = Bounded(256)


class _ScopedChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField whose queryset `scope()` (the user's own rows) is built the first
    time it is asked for: a form given its options (queue_options) and no chosen value never
    asks (building it was a fifth of the queue filter form's set-up; issue 17)."""

    scope: Callable[[], "QuerySet"] | None = None

    def _get_queryset(self):
        if self.scope is not None:
            scope, self.scope = self.scope, None
            self._queryset = scope()
        return self._queryset

    queryset = property(_get_queryset, forms.ModelChoiceField._set_queryset)


class QueueFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("Stage"),
        required=False,
        choices=[("open", _("all open")), ("", _("all"))] + list(Stage.choices),
    )
    # A chosen category is read with the columns a filter needs, not its extra questions (JSON).
    category = forms.ModelChoiceField(
        label=_("Category"),
        required=False,
        queryset=Category.objects.select_related("parent").only(
            "id", "name", "name_en", "parent_id", "parent__name", "parent__name_en"
        ),
    )
    grid = _ScopedChoiceField(
        label=_("Area grid"), required=False, queryset=AreaGrid.objects.none()
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("all"))] + list(Request.Source.choices)
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    nearly_due = forms.BooleanField(label=_("Nearly due only"), required=False)
    extension = forms.BooleanField(label=_("Extension requested"), required=False)
    reopen = forms.BooleanField(label=_("Reopening requested"), required=False)
    unplaced = forms.BooleanField(
        label=_("To place on the map"),
        required=False,
        help_text=_("Reported without a map point, in no grid yet."),
    )
    q = forms.CharField(label=_("Code or address"), required=False, max_length=60)
    reported_from = DayField(label=_("Reported from"))
    reported_to = DayField(label=_("Reported until"))
    closed_from = DayField(label=_("Closed from"))
    closed_to = DayField(label=_("Closed until"))
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("new", _("newest first")), ("old", _("oldest first")), ("due", _("due soonest"))],
    )

    def __init__(self, *args, user, options: QueueOptions | None = None, **kwargs):
        """`options`: the option lists the queue page read for `user` (queue_options, kept per
        process behind their marks); without them they are read when the form is rendered."""
        super().__init__(*args, **kwargs)
        self._options = options
        # Names for the select, not a boundary per option (a city has a thousand grids); built
        # when a chosen grid is checked or the options are read without the page's rows.
        self.fields["grid"].scope = lambda: scope_queryset(
            AreaGrid.objects.current().only("id", "code", "name"), user
        ).order_by("code")
        # The options of both selects from narrow rows, read when the form is rendered (the API
        # only validates): no model instance and no server-side cursor per option list, the same
        # values, labels (str() of the category and the grid) and order as the querysets.
        category, grid = self.fields["category"], self.fields["grid"]
        category.choices = _Options(category, lambda: _category_labels(self._category_rows))
        grid.choices = _Options(
            grid, lambda: ((pk, f"{name}（{code}）") for pk, name, code in self._grid_rows)
        )

    @cached_property
    def _category_rows(self) -> tuple[tuple, ...]:
        if self._options is not None:
            return self._options.categories
        return tuple(
            self.fields["category"].queryset.values_list(
                "pk", "name", "name_en", "parent_id", "parent__name", "parent__name_en"
            )
        )

    @cached_property
    def _grid_rows(self) -> tuple[tuple, ...]:
        if self._options is not None:
            return self._options.grids
        return tuple(self.fields["grid"].queryset.values_list("pk", "name", "code"))

    def fields_html(self) -> SafeString:
        """Every field as templates/field.html shows it (core.forms_renderer.field_html), each
        followed by a newline; the same fields of a valid form again from _FIELDS_HTML."""
        key = None
        if self.is_bound and not self.errors:
            key = _fields_key(_submitted(self.data), self._category_rows, self._grid_rows)
            html = _FIELDS_HTML.get(key)
            if html is not None:
                return mark_safe(html)
        html = "".join(f"{field_html(field)}\n" for field in self)
        if key is not None:
            _FIELDS_HTML.keep(key, html)
        return mark_safe(html)

    def clean(self):
        cleaned = super().clean()
        for first, last in (("reported_from", "reported_to"), ("closed_from", "closed_to")):
            if cleaned.get(first) and cleaned.get(last) and cleaned[first] > cleaned[last]:
                self.add_error(last, _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        """The keyword arguments of selectors.queue_filter (the queue page and the API share
        them, so a link and an API call with the same parameters give the same rows)."""
        data = self.cleaned_data
        return {name: data[name] for name in QUEUE_FILTERS}

    @classmethod
    def for_page(cls, data, *, user, options: QueueOptions) -> "QueueFilterForm | KeptFilterForm":
        """The queue page's filter form: a KeptFilterForm when the submitted values' cleaned
        values and fields' HTML are both kept, else a form (whose cleaned values are kept when
        valid and without a chosen category or grid: then they are the submitted values', the
        same each time)."""
        submitted = _submitted(data)
        # The language is part of the key: what a value cleans to may depend on it (the day
        # fields read ISO dates only today; a field with localised input formats would not).
        cleaned_key = (get_language(), submitted)
        cleaned = _CLEANED.get(cleaned_key)
        if cleaned is not None:
            html = _FIELDS_HTML.get(_fields_key(submitted, options.categories, options.grids))
            if html is not None:
                return KeptFilterForm(cleaned, html)
        form = cls(data, user=user, options=options)
        if form.is_valid() and form.cleaned_data["category"] is form.cleaned_data["grid"] is None:
            _CLEANED.keep(cleaned_key, dict(form.cleaned_data))
        return form


def _submitted(data) -> tuple:
    """The values submitted for each of the filter form's fields, as a key."""
    getlist = getattr(data, "getlist", None)
    return tuple(
        (name, tuple(getlist(name)) if getlist else data.get(name))
        for name in QueueFilterForm.base_fields
    )


def _fields_key(submitted: tuple, categories: tuple, grids: tuple) -> tuple:
    """_FIELDS_HTML's key: the language, the submitted values, the option rows shown."""
    return (get_language(), submitted, (categories, grids))


# A valid filter form's cleaned values by the language and the submitted values, per process,
# when they hold no model instance (no category or grid chosen): plain values (text, days,
# flags) that validating the same submitted values in the same language gives again. Emptied
# when full.
_CLEANED = Bounded(256)


class KeptFilterForm:
    """What the queue page (view and template) asks of a valid QueueFilterForm, from the kept
    cleaned values (_CLEANED) and fields' HTML (_FIELDS_HTML): no form is built or validated
    (that was a tenth of the page's Python; issue 17)."""

    is_bound = True

    def __init__(self, cleaned: dict, html: str):
        self.cleaned_data = dict(cleaned)
        self._html = html

    @property
    def errors(self) -> ErrorDict:
        return ErrorDict()

    def is_valid(self) -> bool:
        return True

    def filters(self) -> dict:
        return {name: self.cleaned_data[name] for name in QUEUE_FILTERS}

    def fields_html(self) -> SafeString:
        return mark_safe(self._html)


# Each form copies only the two selects it sets up (their queryset and choices).
QueueFilterForm.base_fields = _SharedFields(QueueFilterForm.base_fields, own={"category", "grid"})


def active_departments():
    return Department.objects.filter(active=True).order_by("name")


def dispatch_targets(case):
    """Where `case` may be dispatched, grouped for a select: [(group, [("kind:id", label, object)])]
    — the people flow.dispatch_assignees allows (the rule the dispatch itself checks), its
    community, its street office, the active departments."""
    groups = []
    if case.grid_id:
        people = [
            (f"user:{a.user_id}", f"{a.user} · {a.get_role_display()}", a.user)
            for a in flow.dispatch_assignees(case)
        ]
        groups.append((_("Grid workers"), people))
    units = [
        (f"community:{case.community_id}", case.community.name, case.community),
        (f"street:{case.street_id}", case.street.name, case.street),
    ]
    groups.append((_("Units"), units))
    departments = [(f"department:{d.pk}", d.name, d) for d in active_departments()]
    groups.append((_("Functional departments"), departments))
    return groups


class DispatchTargetField(forms.ChoiceField):
    """A "kind:id" choice that cleans to the object flow.transition's dispatch takes as `target`
    (a User, Department, Community or Street). Its choices are set per case (set_targets)."""

    targets: dict = {}  # "kind:id" → object; replaced (not mutated) by set_targets

    def set_targets(self, groups):
        self.targets = {value: obj for _group, rows in groups for value, _label, obj in rows}
        self.choices = [("", _("Choose…"))] + [
            (group, [(value, label) for value, label, _obj in rows]) for group, rows in groups
        ]

    def clean(self, value):
        value = super().clean(value)
        return self.targets.get(value) if value else None


class ActionForm(forms.Form):
    """The fields of one action: those of its flow.Transition.params that a person fills in."""

    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    public = forms.BooleanField(label=_("Show this note to the resident"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    category = forms.ModelChoiceField(
        label=_("Sub-class"),
        required=False,
        queryset=Category.objects.filter(parent__isnull=False, active=True).select_related(
            "parent"
        ),
    )
    target = DispatchTargetField(label=_("Dispatch to"))
    working_days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=60)
    closure_type = forms.ChoiceField(
        label=_("Closure type"),
        choices=[
            ("", _("normal or overdue (automatic)")),
            (Request.ClosureType.ERRONEOUS, Request.ClosureType.ERRONEOUS.label),
            (Request.ClosureType.SPECIAL, Request.ClosureType.SPECIAL.label),
        ],
        required=False,
    )
    into = forms.CharField(label=_("Tracking code of the main request"), max_length=16)
    grid = forms.ModelChoiceField(
        label=_("Area grid"),
        required=False,
        queryset=AreaGrid.objects.none(),
        help_text=_("Or tap the place on the map."),
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    photos = MultiplePhotoField(label=_("Photos"))
    # The case's version when the form was shown (Request.version): flow.transition refuses the
    # action if the case has changed since, so a double submit acts once.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": _("This form is out of date. Open the case again."),
            "invalid": _("This form is out of date. Open the case again."),
        },
    )

    def __init__(self, *args, action, case, require_version=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        transition = flow.TRANSITIONS.get(action)
        keep = (*(transition.params if transition else ("note",)), "version")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.fields["version"].initial = case.version
        # The API may leave it out (a client that reads the case first may send it).
        self.fields["version"].required = require_version
        if "target" in self.fields:
            self.fields["target"].set_targets(dispatch_targets(case))
        if "category" in self.fields:
            self.fields["category"].initial = case.category_id
        if "grid" in self.fields:
            self.fields["grid"].queryset = (
                AreaGrid.objects.current()
                .filter(community_id=case.community_id)
                .only("id", "code", "name")
                .order_by("code")
            )
        if transition and transition.note_required and "note" in self.fields:
            self.fields["note"].required = True

    def params(self) -> dict:
        """The keyword arguments of flow.transition for this action; an optional field left
        empty is left out (the flow's default applies)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name != "version"
            and (name in ("note", "public", "photos") or value not in (None, ""))
        }


# The unbound bulk dispatch field's HTML, per process, by language and departments listed.
_TARGET_HTML = Bounded(256)


class BulkDispatchForm(forms.Form):
    target = forms.ChoiceField(label=_("Dispatch the selected requests to"))

    def __init__(self, *args, departments: Sequence[tuple] | None = None, **kwargs):
        """`departments`: the active departments' (pk, name), as the queue page read them
        (queue_options); else read here."""
        super().__init__(*args, **kwargs)
        if departments is None:
            departments = active_departments().values_list("pk", "name")
        self._departments = tuple(departments)
        # A callable: the choices are built when listed (rendered, checked), which the queue
        # page's kept target_html does not do (building them was most of the form's set-up).
        self.fields["target"].choices = self._target_choices

    def _target_choices(self) -> list:
        names = {f"department:{pk}": name for pk, name in self._departments}
        return [
            ("", _("Choose…")),
            (
                _("Units"),
                [
                    ("own_community", _("each request's own community")),
                    ("own_street", _("each request's own street office")),
                ],
            ),
            (
                _("Functional departments"),
                list(names.items()),
            ),
        ]

    @classmethod
    def for_page(cls, departments: Sequence[tuple]) -> "BulkDispatchForm | KeptBulkForm":
        """The queue page's unbound form: a KeptBulkForm when its target's HTML is kept."""
        html = _TARGET_HTML.get((get_language(), tuple(departments)))
        return KeptBulkForm(html) if html is not None else cls(departments=departments)

    def target_html(self) -> SafeString:
        """The target field as field_html shows it; an unbound form's again from _TARGET_HTML,
        under the language and the departments it lists."""
        if self.is_bound:
            return field_html(self["target"])
        key = (get_language(), self._departments)
        html = _TARGET_HTML.get(key)
        if html is None:
            html = field_html(self["target"])
            _TARGET_HTML.keep(key, html)
        return mark_safe(html)

    @cached_property
    def departments(self) -> dict:
        """ "department:<pk>" → the active Department (read when a dispatch is made)."""
        return {f"department:{d.pk}": d for d in active_departments()}

    def params_for(self, case) -> dict:
        """The keyword arguments of flow.transition's dispatch of `case`."""
        value = self.cleaned_data["target"]
        if value == "own_community":
            return {"target": case.community}
        if value == "own_street":
            return {"target": case.street}
        return {"target": self.departments[value]}


class KeptBulkForm:
    """What the queue page shows of an unbound BulkDispatchForm (its target's HTML), kept in
    _TARGET_HTML: no form is built (its set-up was most of what the page's bulk dispatch
    cost; issue 17)."""

    is_bound = False

    def __init__(self, html: str):
        self._html = html

    def target_html(self) -> SafeString:
        return mark_safe(self._html)


class RevealForm(forms.Form):
    purpose = forms.CharField(label=_("Purpose of this access"), max_length=200)


class QueueExportForm(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=300,
        help_text=_("Why you need this list; it is written to the audit log."),
    )
    unmasked = forms.BooleanField(
        label=_("Reporters' names and phone numbers in full"),
        required=False,
        help_text=_("Only for people who may reveal personal data; logged as such."),
    )
