"""Admin of household pairing. Which persons appear is decided by care.selectors (the same rule as
the site and the API: care role, pairing, grid head), not by jurisdiction alone. Phone and ID
numbers and tag details are write-only here: the admin never shows a full value (reveals happen on
the site, with a purpose, and are logged); corrections go through the site's correction page."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from care import selectors, services
from care.models import (
    CareTag,
    Household,
    Pairing,
    Referral,
    Resident,
    ResidentTag,
    ServiceProject,
    Visit,
)
from core.errors import form_add_errors
from grids.admin import JurisdictionScopedAdmin, SheetImportAdminMixin
from privacy.crypto import text_index
from privacy.masking import mask_id_number, mask_phone


class CareScopedAdmin(JurisdictionScopedAdmin):
    """Rows limited to the households the user may see (care.selectors)."""

    household_path = "household"

    def get_queryset(self, request):
        visible = selectors.households_visible_to(request.user).values("pk")
        qs = super(JurisdictionScopedAdmin, self).get_queryset(request)
        lookup = "pk__in" if self.household_path == "" else f"{self.household_path}__in"
        return qs.filter(**{lookup: visible})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Household:
            field.queryset = selectors.households_visible_to(request.user)
        if field is not None and db_field.related_model is Resident:
            field.queryset = selectors.residents_visible_to(request.user)
        return field


class ResidentTagForm(forms.ModelForm):
    new_details = forms.CharField(
        label=_("details (write-only)"),
        required=False,
        max_length=300,
        help_text=_("Stored encrypted; leave empty to keep."),
    )

    class Meta:
        model = ResidentTag
        fields = ("tag", "frequency_days", "since")

    def save(self, commit=True):
        if self.cleaned_data.get("new_details"):
            self.instance.details = self.cleaned_data["new_details"]
        return super().save(commit)


class ResidentTagInline(admin.TabularInline):
    model = ResidentTag
    form = ResidentTagForm
    extra = 0


class ResidentAdminForm(forms.ModelForm):
    new_phone = forms.CharField(label=_("phone"), required=False, max_length=20)
    new_id_number = forms.CharField(label=_("ID number"), required=False, max_length=18)

    class Meta:
        model = Resident
        fields = (
            "household",
            "name",
            "gender",
            "birth_date",
            "legal_basis",
            "consent_date",
            "consent_scope",
        )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and "household" in cleaned:
            try:
                contact = services.resident_clean_contact(
                    phone=cleaned.get("new_phone", ""),
                    id_number=cleaned.get("new_id_number", ""),
                    legal_basis=cleaned.get("legal_basis"),
                    consent_date=cleaned.get("consent_date"),
                    consent_scope=cleaned.get("consent_scope", ""),
                    household=cleaned["household"],
                )
            except ValidationError as error:
                form_add_errors(
                    self, error, rename={"phone": "new_phone", "id_number": "new_id_number"}
                )
            else:
                for field, value in contact.items():
                    setattr(self.instance, field, value)
        return cleaned


class HouseholdAdminForm(forms.ModelForm):
    """The address is write-only here, like a phone number: the change page shows it masked; a
    new address is a logged correction (care.services.household_address_correct)."""

    new_address = forms.CharField(
        label=_("new address (leave empty to keep)"), required=False, max_length=200
    )
    purpose = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=300,
        help_text=_("Needed when you change the address; it is written to the audit log."),
    )

    class Meta:
        model = Household
        fields = ("grid", "building", "registered_on")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("grid") is not None:
            try:
                services.household_register_check(
                    by=self.user, address=cleaned.get("new_address", ""), grid=cleaned["grid"]
                )
            except ValidationError as error:
                form_add_errors(self, error, rename={"address": "new_address"})
            except PermissionDenied as denied:
                self.add_error("grid", str(denied))
        if (
            self.instance.pk
            and cleaned.get("new_address")
            and len((cleaned.get("purpose") or "").strip()) < 4
        ):
            self.add_error("purpose", _("State why the address is corrected."))
        return cleaned


@admin.register(Household)
class HouseholdAdmin(SheetImportAdminMixin, CareScopedAdmin):
    form = HouseholdAdminForm
    sheet_kind = "households"
    household_path = ""
    list_display = ("__str__", "grid", "building", "registered_on", "anonymised_at")
    list_filter = ("grid__community",)
    # The building is plain text (icontains); an address is found only whole, by its blind index.
    search_fields = ("building",)
    search_help_text = _("A building, or a whole address (matched exactly).")
    list_select_related = ("grid",)
    autocomplete_fields = ("grid",)
    readonly_fields = ("masked_address", "anonymised_at")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user  # the registration rules depend on who registers
        if obj is None:
            form.base_fields["new_address"].label = _("address")
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["grid", "building", "new_address", "registered_on"]
        return ["grid", "building", "masked_address", "new_address", "purpose", "registered_on"]

    @admin.display(description=_("address"))
    def masked_address(self, obj):
        return obj.address_masked

    def get_search_results(self, request, queryset, search_term):
        found, distinct = super().get_search_results(request, queryset, search_term)
        index = text_index(search_term)
        if index:
            found = found | queryset.filter(address_index=index)
        return found, distinct

    def save_model(self, request, obj, form, change):
        address = form.cleaned_data.get("new_address")
        if not change:
            created = services.household_register(
                by=request.user,
                address=address,
                building=obj.building,
                grid=obj.grid,
                registered_on=obj.registered_on,
            )
            obj.pk = created.pk
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)
        if address:
            services.household_address_correct(
                household=obj,
                by=request.user,
                address=address,
                purpose=form.cleaned_data["purpose"],
                request=request,
            )


@admin.register(Resident)
class ResidentAdmin(CareScopedAdmin):
    form = ResidentAdminForm
    inlines = [ResidentTagInline]
    list_display = (
        "name",
        "household",
        "gender",
        "masked_phone",
        "masked_id_number",
        "legal_basis",
    )
    list_filter = ("legal_basis", "tags__tag")
    search_fields = ("name",)
    list_select_related = ("household",)
    readonly_fields = ("masked_phone", "masked_id_number", "correction_link")
    base_fields = [
        "household",
        "name",
        "gender",
        "birth_date",
        "legal_basis",
        "consent_date",
        "consent_scope",
    ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.user = request.user  # the registration rules depend on who registers
        if obj is None:
            form.base_fields["new_address"].label = _("address")
        return form

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*self.base_fields, "new_phone", "new_id_number"]
        # Corrections of phone / ID number go through the site's logged correction page.
        return [*self.base_fields, "masked_phone", "masked_id_number", "correction_link"]

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=_("correct phone or ID number"))
    def correction_link(self, obj):
        if not obj.pk:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("care:resident_correct", args=[obj.pk]),
            _("Correct (logged)"),
        )


@admin.register(Pairing)
class PairingAdmin(CareScopedAdmin):
    list_display = ("household", "worker", "start_date", "end_date", "end_reason")
    list_filter = ("end_date",)
    list_select_related = ("household", "worker")
    autocomplete_fields = ("worker", "members")
    raw_id_fields = ("household",)

    def save_model(self, request, obj, form, change):
        obj.full_clean()
        super().save_model(request, obj, form, change)


@admin.register(Visit)
class VisitAdmin(CareScopedAdmin):
    list_display = ("visited_on", "household", "visitor", "mode", "kind")
    list_filter = ("mode", "kind", "visited_on")
    list_select_related = ("household", "visitor")
    raw_id_fields = ("household", "follow_up_of")
    exclude = ("condition",)

    def has_change_permission(self, request, obj=None):
        return False  # a visit record is kept as written


@admin.register(Referral)
class ReferralAdmin(CareScopedAdmin):
    household_path = "resident__household"
    list_display = ("resident", "project", "status", "referred_on", "closed_on")
    list_filter = ("status", "project")
    list_select_related = ("resident", "project")
    raw_id_fields = ("resident",)


@admin.register(CareTag)
class CareTagAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "default_frequency_days", "details_label", "ordering")


@admin.register(ServiceProject)
class ServiceProjectAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "capacity", "active")
    list_filter = ("active", "tags")
    search_fields = ("name", "organisation")
    filter_horizontal = ("tags",)
