import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.quiet_hours import default_quiet_hours


class QuietHoursForm(forms.Form):
    quiet_hours_enabled = forms.BooleanField(
        label=_("Hold non-urgent e-mail and SMS during quiet hours"), required=False
    )
    quiet_start = forms.TimeField(
        label=_("Quiet hours start"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_end = forms.TimeField(
        label=_("Quiet hours end"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    @classmethod
    def initial_for(cls, preference):
        start, end = default_quiet_hours()
        if preference is None:
            return {"quiet_hours_enabled": True, "quiet_start": start, "quiet_end": end}
        return {
            "quiet_hours_enabled": preference.quiet_hours_enabled,
            "quiet_start": preference.quiet_start,
            "quiet_end": preference.quiet_end,
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_start"), data.get("quiet_end")
        if data.get("quiet_hours_enabled") and isinstance(start, datetime.time) and start == end:
            raise forms.ValidationError(_("Quiet hours must start and end at different times."))
        return data
