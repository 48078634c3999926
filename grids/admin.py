from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin

from grids.boundary_import import ImportRefused, example_collection, import_boundaries_file
from grids.jurisdiction import jurisdiction_paths, scope_queryset
from grids.models import AreaGrid, Community, District, GridAssignment, KeyPlace, Street, SubGrid
from grids.selectors import map_view
from grids.services import assignment_validate, key_place_check_location


def _is_scoped_model(model) -> bool:
    try:
        jurisdiction_paths(model)
    except (TypeError, AttributeError):
        return hasattr(model, "jurisdiction_q")
    return True


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-object filter whose choices are limited to the user's jurisdiction, so the
    sidebar never lists the names of other streets, communities or grids."""

    def field_choices(self, field, request, model_admin):
        model = field.related_model
        if not _is_scoped_model(model):
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin) or ()
        queryset = scope_queryset(model._default_manager.all(), request.user).order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class JurisdictionScopedAdmin(admin.ModelAdmin):
    """Base admin for every scoped model: rows and foreign-key choices limited to the user's area.

    Objects outside the jurisdiction are absent from lists and answer 404 on their change page,
    because get_object() goes through get_queryset().
    """

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request.user)

    def get_list_filter(self, request):
        scoped = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and self._is_relation_path(entry):
                scoped.append((entry, ScopedRelatedFieldListFilter))
            else:
                scoped.append(entry)
        return scoped

    def _is_relation_path(self, path: str) -> bool:
        model = self.model
        field = None
        for part in path.split("__"):
            try:
                field = model._meta.get_field(part)
            except Exception:  # noqa: BLE001 - not a model field path (e.g. a custom lookup)
                return False
            model = field.related_model
            if model is None:
                return False
        return field is not None and field.is_relation

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and _is_scoped_model(db_field.related_model):
            field.queryset = scope_queryset(field.queryset, request.user)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and _is_scoped_model(db_field.related_model):
            field.queryset = scope_queryset(field.queryset, request.user)
        return field


class SheetImportAdminMixin:
    """An "Import" button on the change list that opens the same import as the site's page and
    `manage.py import_sheet` (grids.sheet_import: one function behind all three)."""

    change_list_template = "admin/grids/sheet_change_list.html"
    sheet_kind = ""

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "sheet_kind": self.sheet_kind}
        return super().changelist_view(request, extra_context=extra_context)


class MapAdmin(LeafletGeoAdminMixin, JurisdictionScopedAdmin):
    display_raw = False

    @property
    def settings_overrides(self):
        """The map widgets open on the district's own extent (grids.selectors.map_view)."""
        view = map_view()
        return {"DEFAULT_CENTER": view.center, "DEFAULT_ZOOM": view.zoom}


class BoundaryUploadForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON file"))
    valid_from = forms.DateField(
        label=_("valid from"), required=False, help_text=_("Default: today. Old versions are kept.")
    )
    replace = forms.BooleanField(label=_("draw new versions of existing codes"), required=False)
    gcj02 = forms.BooleanField(label=_("coordinates are GCJ-02 (AMap, Tencent)"), required=False)


class NodeAdmin(MapAdmin):
    list_display = ("code", "name", "valid_from", "valid_to")
    search_fields = ("code", "name")
    list_filter = ("valid_to",)
    ordering = ("code",)
    change_list_template = "admin/grids/node_change_list.html"

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="{}_{}_import".format(*info),
            ),
            path(
                "import/example.geojson",
                self.admin_site.admin_view(self.example_view),
                name="{}_{}_import_example".format(*info),
            ),
            *super().get_urls(),
        ]

    def example_view(self, request):
        """The import's template: a GeoJSON file with one feature per level."""
        if not request.user.has_perm(f"grids.add_{self.model._meta.model_name}"):
            raise PermissionDenied
        response = JsonResponse(example_collection(), json_dumps_params={"ensure_ascii": False})
        response["Content-Disposition"] = (
            'attachment; filename="redgrid-boundaries-example.geojson"'
        )
        return response

    def import_view(self, request):
        if not request.user.has_perm(f"grids.add_{self.model._meta.model_name}"):
            raise PermissionDenied
        form = BoundaryUploadForm(request.POST or None, request.FILES or None)
        problems, result = [], None
        if request.method == "POST" and form.is_valid():
            dry_run = "check" in request.POST
            try:
                result = import_boundaries_file(
                    form.cleaned_data["file"],
                    valid_from=form.cleaned_data["valid_from"],
                    replace=form.cleaned_data["replace"],
                    gcj02=form.cleaned_data["gcj02"],
                    dry_run=dry_run,
                )
            except ImportRefused as refused:
                problems = refused.problems
                messages.error(request, gettext("The import was refused; nothing was saved."))
            else:
                if dry_run:
                    messages.info(
                        request,
                        gettext("Checked: nothing was saved. Below is what the import will do."),
                    )
                else:
                    messages.success(
                        request,
                        gettext("Imported %(count)s boundaries.") % {"count": result.total},
                    )
                    if not result.moves:
                        info = self.model._meta.app_label, self.model._meta.model_name
                        return redirect(reverse("admin:{}_{}_changelist".format(*info)))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import boundaries from GeoJSON"),
            "form": form,
            "problems": problems,
            "result": result,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/grids/boundary_import.html", context)


@admin.register(District)
class DistrictAdmin(NodeAdmin):
    pass


@admin.register(Street)
class StreetAdmin(NodeAdmin):
    list_display = ("code", "name", "district", "valid_from", "valid_to")


@admin.register(Community)
class CommunityAdmin(NodeAdmin):
    list_display = ("code", "name", "street", "population", "households", "valid_from", "valid_to")
    list_filter = ("street", "valid_to")
    list_select_related = ("street",)


class GridAssignmentForm(forms.ModelForm):
    class Meta:
        model = GridAssignment
        fields = ("grid", "user", "role", "start_date", "end_date")

    def _post_clean(self):
        # After Django has copied the cleaned values onto the instance (clean() runs before that).
        super()._post_clean()
        if not self.errors:
            try:
                assignment_validate(self.instance)
            except ValidationError as error:
                self._update_errors(error)


class GridAssignmentInline(admin.TabularInline):
    model = GridAssignment
    form = GridAssignmentForm
    extra = 0
    autocomplete_fields = ("user",)


class SubGridInline(admin.TabularInline):
    model = SubGrid
    fields = ("code", "name", "population", "households", "valid_from", "valid_to")
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AreaGrid)
class AreaGridAdmin(NodeAdmin):
    list_display = (
        "code",
        "name",
        "community",
        "population",
        "households",
        "valid_from",
        "valid_to",
    )
    list_filter = ("community__street", "community", "valid_to")
    list_select_related = ("community",)
    inlines = [GridAssignmentInline, SubGridInline]


@admin.register(SubGrid)
class SubGridAdmin(NodeAdmin):
    list_display = ("code", "name", "grid", "population", "households", "valid_from", "valid_to")
    list_select_related = ("grid",)
    list_filter = ("grid__community__street", "valid_to")


class KeyPlaceForm(forms.ModelForm):
    class Meta:
        model = KeyPlace
        fields = ("grid", "name", "kind", "address", "location", "notes")

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            try:
                key_place_check_location(self.instance)
            except ValidationError as error:
                self._update_errors(error)


@admin.register(KeyPlace)
class KeyPlaceAdmin(SheetImportAdminMixin, MapAdmin):
    sheet_kind = "key_places"
    list_display = ("name", "kind", "grid", "address")
    list_filter = ("kind", "grid__community__street", "grid__community")
    search_fields = ("name", "address", "grid__name", "grid__code")
    list_select_related = ("grid",)
    autocomplete_fields = ("grid",)
    form = KeyPlaceForm


@admin.register(GridAssignment)
class GridAssignmentAdmin(JurisdictionScopedAdmin):
    form = GridAssignmentForm
    list_display = ("grid", "user", "role", "start_date", "end_date")
    list_filter = ("role", "grid__community__street", "grid__community")
    search_fields = (
        "grid__name",
        "grid__code",
        "user__last_name",
        "user__first_name",
        "user__username",
    )
    list_select_related = ("grid", "user")
    autocomplete_fields = ("grid", "user")
