"""core.errors: a service's ValidationError on a form and in the API, the same way everywhere."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

from core.errors import api_errors, error_text, form_add_errors


class PlaceForm(forms.Form):
    name = forms.CharField()
    new_phone = forms.CharField(required=False)


def _bound() -> PlaceForm:
    form = PlaceForm({"name": "光明"})
    assert form.is_valid()
    return form


def test_field_messages_go_to_the_form_field_and_the_rest_above_the_form():
    form = _bound()
    form_add_errors(
        form,
        ValidationError(
            {"name": ["Too short.", "Taken."], "grid": ["Outside."], "__all__": ["No."]}
        ),
    )
    assert form.errors["name"] == ["Too short.", "Taken."]
    assert form.non_field_errors() == ["Outside.", "No."]


def test_renamed_fields_and_errors_without_a_field():
    form = _bound()
    form_add_errors(form, ValidationError({"phone": ["Bad."]}), rename={"phone": "new_phone"})
    assert form.errors["new_phone"] == ["Bad."]
    form = _bound()
    form_add_errors(form, ValidationError(["One.", "Two."]))
    assert form.non_field_errors() == ["One.", "Two."]


def test_api_body_and_one_line_text():
    error = ValidationError({"name": ["Too short."], "__all__": ["No."]})
    assert api_errors(error) == {"name": ["Too short."], "non_field_errors": ["No."]}
    assert api_errors(ValidationError("Nope.")) == {"non_field_errors": ["Nope."]}
    assert error_text(error) == "Too short. No."


@pytest.mark.django_db
def test_a_service_refusal_through_the_api_is_a_translated_400_not_a_500(client, world):
    """patrol_start refuses a second open patrol with a ValidationError; the API view lets it
    propagate and the exception handler answers 400 with the message, nothing written."""
    from patrols.models import Patrol

    client.force_login(world.users.grid_worker)
    with translation.override("zh-hans"):
        assert client.post("/api/v1/patrols/patrols/start/").status_code == 201
        response = client.post("/api/v1/patrols/patrols/start/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["non_field_errors"]
    assert "巡查" in body["non_field_errors"][0]
    assert Patrol.objects.filter(worker=world.users.grid_worker).count() == 1
