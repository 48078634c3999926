from django import forms
from django.utils.translation import gettext_lazy as _

from core.fields import MultiplePhotoField
from patrols.models import Finding


class CheckInForm(forms.Form):
    key_place = forms.IntegerField(widget=forms.HiddenInput)
    lon = forms.FloatField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("Latitude"), required=False, widget=forms.HiddenInput)


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Finding.Kind.choices)
    key_place = forms.TypedChoiceField(
        label=_("Key place"), required=False, coerce=int, empty_value=None
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultiplePhotoField(label=_("Photos"))
    handled_note = forms.CharField(
        label=_("Handled on the spot"),
        required=False,
        max_length=300,
        help_text=_(
            "If you dealt with it yourself, say how; otherwise leave empty and report it "
            "as a request."
        ),
    )
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, places=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_place"].choices = [("", "—")] + [(p.pk, p.name) for p in places]


class HandledForm(forms.Form):
    handled_note = forms.CharField(label=_("How it was handled"), max_length=300)
