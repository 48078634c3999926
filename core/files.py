"""Private files: every stored file belongs to an owner object and is served only by one view,
which applies the owner's rules.

An app declares its kinds of file on its AppConfig, each with the rule deciding who may read it
(a function `user -> queryset` of the model holding the file, the same rule as the owner's pages):

    from core.files import PrivateFile

    class CareConfig(AppConfig):
        private_files = [
            PrivateFile("visit-photo", "care.VisitPhoto", "care.selectors.visit_photos_visible_to"),
        ]

The file's URL is `/files/<kind>/<id>/<stored name>` (`file_url`, also what `.url` of a
PrivateFileField/PrivateImageField returns). The view looks the object up in the rule's queryset
for the requesting user — anonymous visitors included — and answers 404 when it is not there,
when the name is not the stored one, or when the file is gone: outside one's rights a file does
not exist, as everywhere else in RedGrid. There is no MEDIA_URL route in any mode.

The answer carries `X-Content-Type-Options: nosniff` and a Content-Security-Policy with
`sandbox`; photos (re-encoded JPEGs) are shown inline, every other file is a download
(`Content-Disposition: attachment`), under a Content-Type taken from the extension the upload
checks gave it (core.uploads.FILE_TYPES), never from the client. Embedded mode (`make run`)
streams the bytes from Django; with REDGRID_FILES_X_ACCEL=1 (behind nginx, deploy/nginx.conf) the
view only authorises and nginx sends the file from its internal location.
"""

import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string

from core import conf
from core.fields import PrivateFileField, PrivateImageField
from core.uploads import content_type_for

# Nothing in a served file may run, load or frame anything, even when opened on its own.
FILE_CSP = "default-src 'none'; img-src 'self'; sandbox"
CACHE_CONTROL = "private, max-age=600"


@dataclass(frozen=True)
class PrivateFile:
    """One kind of stored file: its URL name, the model holding it ("app_label.Model") and the
    dotted path of its rule, `f(user) -> queryset of that model` (what `user` may read).
    `title_field` names the attribute giving an attachment's download name."""

    kind: str
    model: str
    visible_to: str
    title_field: str = ""


@dataclass(frozen=True)
class Kind:
    kind: str
    model: type[models.Model]
    field: str
    inline: bool
    # user -> the queryset of `model` that user may read
    visible_to: Callable[[Any], models.QuerySet[Any]]
    title_field: str


def private_file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [
        f for f in model._meta.get_fields() if isinstance(f, (PrivateFileField, PrivateImageField))
    ]


@cache
def kinds() -> dict[str, Kind]:
    """Every declared kind, by URL name (built once, from the AppConfigs' `private_files`)."""
    found: dict[str, Kind] = {}
    for config in apps.get_app_configs():
        for declared in getattr(config, "private_files", ()):
            model = apps.get_model(declared.model)
            fields = private_file_fields(model)
            if len(fields) != 1:
                raise ImproperlyConfigured(f"{declared.model} must have one private file field.")
            if declared.kind in found:
                raise ImproperlyConfigured(f"Two kinds of private file are named {declared.kind}.")
            found[declared.kind] = Kind(
                kind=declared.kind,
                model=model,
                field=fields[0].name,
                inline=isinstance(fields[0], PrivateImageField),
                visible_to=import_string(declared.visible_to),
                title_field=declared.title_field,
            )
    return found


def kind_of(model: type[models.Model]) -> Kind:
    for kind in kinds().values():
        if kind.model is model or (model._meta.proxy and kind.model is model._meta.concrete_model):
            return kind
    raise ImproperlyConfigured(
        f"{model._meta.label} holds a private file but declares no PrivateFile (core.files)."
    )


def file_url(instance: models.Model) -> str:
    """The one URL of a stored file: the authorising view, with the stored (random) name."""
    kind = kind_of(type(instance))
    name = getattr(instance, kind.field).name
    return reverse(
        "core:file",
        kwargs={"kind": kind.kind, "pk": instance.pk, "name": posixpath.basename(name)},
    )


def download_name(kind: Kind, instance: models.Model, stored_name: str) -> str:
    """The name a download gets: the title the user gave it, with the extension of the type its
    content was found to be (a title "x.html" of a PDF downloads as "x.html.pdf")."""
    extension = posixpath.splitext(stored_name)[1]
    title = str(getattr(instance, kind.title_field, "") or "") if kind.title_field else ""
    title = "".join(c for c in title if c.isprintable() and c not in '/\\"').strip() or "file"
    if not title.lower().endswith(extension):
        title += extension
    return title


def file_response(request: HttpRequest, *, kind: str, pk: int, name: str) -> HttpResponseBase:
    """The stored file if `request.user` may read it under its owner's rules; Http404 otherwise."""
    found = kinds().get(kind)
    if found is None:
        raise Http404
    instance = found.visible_to(request.user).filter(pk=pk).first()
    return _serve(found, instance, name)


def authorised_file_response(instance: models.Model, *, name: str) -> HttpResponseBase:
    """The stored file of `instance`, which the caller has already authorised by a rule that is
    not about an account (a resident's proof of being a request's reporter): the same answer,
    headers and checks of the name as file_response; Http404 when the name or file is wrong."""
    return _serve(kind_of(type(instance)), instance, name)


def _serve(found: Kind, instance: models.Model | None, name: str) -> HttpResponseBase:
    stored = getattr(instance, found.field, None) if instance is not None else None
    if instance is None or not stored or posixpath.basename(stored.name) != name:
        raise Http404
    content_type = content_type_for(stored.name) if not found.inline else "image/jpeg"
    if conf.x_accel():
        # nginx sends the bytes from its internal location (deploy/nginx.conf), which adds the
        # same nosniff/CSP headers: it keeps only Content-Type, Content-Disposition and
        # Cache-Control of this answer.
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = conf.X_ACCEL_LOCATION + quote(stored.name)
    else:
        try:
            handle = stored.storage.open(stored.name, "rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=content_type)
    disposition = content_disposition_header(
        as_attachment=not found.inline,
        filename=name if found.inline else download_name(found, instance, stored.name),
    )
    # None only when neither as_attachment nor a filename is given; a filename always is.
    assert disposition is not None
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = CACHE_CONTROL
    response["Vary"] = "Cookie"
    return response
