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
    period = MonthField(label=_("Month"))


class FilterForm(forms.Form):
    period = MonthField(label=_("Month"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels"))] + AREA_LEVEL_CHOICES
    )
