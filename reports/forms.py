import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.hierarchy import AREA_LEVEL_CHOICES
from core.periods import month_start


class MonthField(forms.DateField):
    """A month as YYYY-MM (the browser's <input type="month">)."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM.")}

    def to_python(self, value):
        result = super().to_python(value)
        return month_start(result) if isinstance(result, datetime.date) else result


class RunForm(forms.Form):
    """The month to generate. Its fields' ids start with "run_": the reports page also holds the
    filter form, whose month field is id_period (two elements had the same id, and the filter's
    month had no accessible name)."""

    period = MonthField(label=_("Month to generate"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "run_%s")
        super().__init__(*args, **kwargs)


class FilterForm(forms.Form):
    period = MonthField(label=_("Month"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels"))] + AREA_LEVEL_CHOICES
    )
