import json

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import rules, selectors, throttling
from accounts.handover import successor_candidates
from accounts.models import ROLE_LEVEL, Role
from accounts.services import PHONE_PATTERN

LEVEL_LABELS = {
    "district": pgettext_lazy("list of places", "District"),
    "street": pgettext_lazy("list of places", "Streets"),
    "community": pgettext_lazy("list of places", "Communities"),
    "grid": pgettext_lazy("list of places", "Area grids"),
}


def mobile_phone_clean(raw: str) -> str:
    """A mobile number as typed, spaces and dashes dropped; empty stays empty."""
    phone = raw.replace(" ", "").replace("-", "")
    if phone and not PHONE_PATTERN.match(phone):
        raise forms.ValidationError(
            _("Enter an 11-digit mainland mobile number, e.g. 13800138000.")
        )
    return phone


class ThrottledLoginMixin:
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked_out": _(
            "Too many failed logins. For your security this account is locked for a while; "
            "try again in 15 minutes or ask your administrator."
        ),
    }

    def clean(self):
        username = self.data.get("username", "")
        address = throttling.client_address(self.request)
        if throttling.is_locked_out(username, address):
            raise forms.ValidationError(self.error_messages["locked_out"], code="locked_out")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttling.record_failure(username, address)
            raise
        throttling.clear_failures(username, address)
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) not in (6, 8):
            raise forms.ValidationError(_("Enter the 6 digits your app shows."))
        return code


# --- Passwords ----------------------------------------------------------------------------------
class ResetRequestForm(forms.Form):
    username = forms.CharField(
        label=_("Login name"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )


class ResetCodeForm(SetPasswordForm):
    """Login name + SMS code + new password. The password rules are checked here without the
    account (so the answer never depends on whether it exists) and again, with it, once the code
    is right (accounts.passwords.password_set_with_code)."""

    username = forms.CharField(label=_("Login name"), max_length=150)
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    field_order = ["username", "code", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(None, *args, **kwargs)


# --- Accounts of others -------------------------------------------------------------------------
class NodeField(forms.ChoiceField):
    """A node of the hierarchy inside the actor's jurisdiction, grouped by level; the value is
    "level:id". The options of the levels that do not fit the chosen role are hidden by
    static/accounts/person-form.js (the server checks it anyway)."""

    def __init__(self, *, nodes: dict[str, list], **kwargs):
        self.nodes = {f"{level}:{n.pk}": n for level, items in nodes.items() for n in items}
        choices = [("", "—")] + [
            (str(LEVEL_LABELS[level]), [(f"{level}:{n.pk}", n.name) for n in items])
            for level, items in nodes.items()
            if items
        ]
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.nodes.get(value) if value else None


def node_value(node) -> str:
    return f"{node.LEVEL}:{node.pk}" if node is not None else ""


class RoleNodeMixin:
    def _add_role_node(self, actor, *, initial_role="", initial_node=None):
        roles = rules.manageable_roles(actor)
        self.fields["role"] = forms.ChoiceField(
            label=_("Role"), choices=[("", "—")] + [(r.value, r.label) for r in roles]
        )
        self.fields["role"].widget.attrs["data-role-levels"] = json.dumps(
            {r.value: ROLE_LEVEL[r] for r in roles}
        )
        self.fields["node"] = NodeField(
            label=_("Where"),
            nodes=selectors.nodes_for(actor, roles),
            help_text=_("The street, community or area grid the person works in."),
        )
        self.fields["node"].widget.attrs["data-node-select"] = "1"
        if initial_role:
            self.initial.setdefault("role", initial_role)
            self.initial.setdefault("node", node_value(initial_node))

    def _check_role_node(self, cleaned, actor):
        role, node = cleaned.get("role"), cleaned.get("node")
        if not role or "node" in self.errors:
            return
        if node is None:
            self.add_error("node", _("Choose where the person works."))
        elif ROLE_LEVEL[Role(role)] != node.LEVEL:
            self.add_error(
                "node",
                _("A %(role)s works in one %(level)s: choose one from that list.")
                % {"role": Role(role).label, "level": LEVEL_LABELS[ROLE_LEVEL[Role(role)]]},
            )
        elif not rules.may_hold(actor, role=role, node=node):
            self.add_error("node", rules.refusal(actor))


DELIVERY_CHOICES = [
    ("screen", _("Show the link to me now (I pass it on)")),
    ("sms", _("Send it by SMS to the mobile phone")),
    ("email", _("Send it by e-mail")),
]


class PersonCreateForm(RoleNodeMixin, forms.Form):
    username = forms.CharField(
        label=_("Login name"),
        max_length=150,
        help_text=_("Letters, digits and @ . + - _ only, e.g. wangfang or 13800138000."),
    )
    name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        help_text=_("Used to send the activation link and password codes."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    delivery = forms.ChoiceField(
        label=_("Activation link"),
        choices=DELIVERY_CHOICES,
        initial="screen",
        widget=forms.RadioSelect,
    )

    field_order = ["username", "name", "role", "node", "phone", "email", "delivery"]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self._add_role_node(actor)
        self.order_fields(self.field_order)

    def clean_phone(self):
        return mobile_phone_clean(self.cleaned_data["phone"])

    def clean(self):
        cleaned = super().clean()
        self._check_role_node(cleaned, self.actor)
        delivery = cleaned.get("delivery")
        if delivery == "sms" and not cleaned.get("phone"):
            self.add_error("delivery", _("Enter a mobile phone to send the link by SMS."))
        if delivery == "email" and not cleaned.get("email"):
            self.add_error("delivery", _("Enter an e-mail address to send the link by e-mail."))
        return cleaned


class RightsForm(RoleNodeMixin, forms.Form):
    care_role = forms.BooleanField(
        label=_("care role"),
        required=False,
        help_text=_(
            "Community staff who may see vulnerable residents' records in their community."
        ),
    )
    may_reveal_personal_data = forms.BooleanField(
        label=_("may reveal personal data"),
        required=False,
        help_text=_(
            "May show full phone and ID numbers after stating a purpose; every reveal is logged. "
            "Needs an authenticator app at sign-in."
        ),
    )

    def __init__(self, *args, actor, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor, self.person = actor, person
        self._add_role_node(actor, initial_role=person.role, initial_node=person.node)
        self.initial.setdefault("care_role", person.care_role)
        self.initial.setdefault("may_reveal_personal_data", person.may_reveal_personal_data)
        if not rules.may_grant_reveal(actor) and not person.may_reveal_personal_data:
            field = self.fields["may_reveal_personal_data"]
            field.disabled = True
            field.help_text = _("Only someone who may reveal personal data can give that right.")
        self.order_fields(["role", "node", "care_role", "may_reveal_personal_data"])

    def clean(self):
        cleaned = super().clean()
        self._check_role_node(cleaned, self.actor)
        return cleaned

    def changes(self) -> dict:
        """The rights that differ from the account's, as keyword arguments of
        accounts.services.user_rights_change."""
        cleaned, person = self.cleaned_data, self.person
        changes = {}
        if (cleaned["role"], cleaned["node"]) != (person.role, person.node):
            changes.update(role=cleaned["role"], node=cleaned["node"])
        for flag in ("care_role", "may_reveal_personal_data"):
            if cleaned[flag] != getattr(person, flag):
                changes[flag] = cleaned[flag]
        return changes


class DetailsForm(forms.Form):
    """One's own name, phone and e-mail. The phone and e-mail are where password codes and links
    go, so changing them asks for the current password (a session left open is not enough to
    take the account over)."""

    name = forms.CharField(label=_("Full name"), max_length=150)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    current_password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed to change the mobile phone or the e-mail address."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        moved = (cleaned.get("phone"), cleaned.get("email")) != (self.user.phone, self.user.email)
        if moved and not self.user.check_password(cleaned.get("current_password") or ""):
            self.add_error(
                "current_password",
                _("Enter your current password to change your mobile phone or e-mail address."),
            )
        return cleaned

    def clean_phone(self):
        return mobile_phone_clean(self.cleaned_data["phone"])


class LinkIssueForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How"), choices=DELIVERY_CHOICES, initial="screen", widget=forms.RadioSelect
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_delivery(self):
        delivery = self.cleaned_data["delivery"]
        if delivery == "sms" and not self.person.phone:
            raise forms.ValidationError(_("This account has no mobile phone."))
        if delivery == "email" and not self.person.email:
            raise forms.ValidationError(_("This account has no e-mail address."))
        return delivery


class DeactivateForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Who takes over"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=_("An active account with the same role at the same place."),
    )
    confirm = forms.BooleanField(
        label=_("Deactivate this account (it is kept, with its history, and can be reactivated)"),
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successor_candidates(person)


class StaffImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Staff file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return file
