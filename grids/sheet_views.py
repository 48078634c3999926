"""The import pages every spreadsheet import shares (grids.sheet_import), mounted at /imports/:
the list of the imports a user may run, each import's page (upload → preview → commit) and the
download of its template. A new kind needs no view or URL of its own."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.access import require_staff, staff_required
from core.sheets import ImportRefused
from grids.sheet_import import (
    KINDS,
    MAX_BYTES,
    kind_of,
    kinds_for,
    sheet_import_commit,
    sheet_import_preview,
    sheet_seal,
    sheet_unseal,
)


class SheetUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))


def _kind_or_404(name: str):
    if name not in KINDS:
        raise Http404
    return kind_of(name)


@staff_required
def sheet_imports(request):
    """The imports this user may run (going live: boundaries → … → holidays)."""
    return render(request, "grids/sheet_imports.html", {"kinds": kinds_for(request.user)})


class SheetImportView(View):
    def dispatch(self, request, *args, kind_name: str = "", **kwargs):
        from django.contrib.auth.views import redirect_to_login

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.kind = _kind_or_404(kind_name)
        require_staff(request.user, self.kind.permission)
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, *, form=None, preview=None, sealed="", filename="", status=200):
        response = render(
            request,
            "grids/sheet_import.html",
            {
                "kind": self.kind,
                "form": form or SheetUploadForm(),
                "preview": preview,
                "sealed": sealed,
                "filename": filename,
                "max_mb": MAX_BYTES // 1024 // 1024,
            },
            status=status,
        )
        # The preview holds the sealed sheet and masked rows: never kept by a browser's cache.
        response["Cache-Control"] = "no-store"
        return response

    def get(self, request, **kwargs):
        return self.render(request)

    def post(self, request, **kwargs):
        if "sealed" in request.POST:
            return self._commit(request)
        form = SheetUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form=form, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error(
                "file", _("The file is larger than %(n)s MB.") % {"n": MAX_BYTES // 2**20}
            )
            return self.render(request, form=form, status=400)
        data, filename = upload.read(), upload.name[:100]
        preview = sheet_import_preview(self.kind, data=data, filename=filename, user=request.user)
        if preview.problems:
            for problem in preview.problems:
                form.add_error("file", problem)
            return self.render(request, form=form, status=400)
        sealed = sheet_seal(self.kind, data=data, filename=filename, user=request.user)
        return self.render(request, preview=preview, sealed=sealed, filename=filename)

    def _commit(self, request):
        filename = request.POST.get("filename", "")[:100]
        data = sheet_unseal(
            self.kind, token=request.POST.get("sealed", ""), filename=filename, user=request.user
        )
        if data is None:
            messages.error(
                request, _("This preview has expired or is not yours; upload the file again.")
            )
            return self.render(request, status=400)
        clean_only = request.POST.get("mode") == "clean_only"
        try:
            count = sheet_import_commit(
                self.kind, data=data, filename=filename, user=request.user, clean_only=clean_only
            )
        except ImportRefused as refused:
            messages.error(request, refused.message)
            preview = refused.preview
            sealed = request.POST.get("sealed", "") if preview and not preview.problems else ""
            return self.render(
                request, preview=preview, sealed=sealed, filename=filename, status=400
            )
        messages.success(request, _("Imported %(n)s rows.") % {"n": count})
        return redirect(self.kind.done_url)


@staff_required
def sheet_template(request, kind_name: str):
    """The import's template: .xlsx with the headers, an example row and what each column holds."""
    kind = _kind_or_404(kind_name)
    require_staff(request.user, kind.permission)
    response = HttpResponse(
        kind.template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{kind.template_filename}"'
    return response
