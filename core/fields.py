"""Fields for uploaded files: the model fields that keep them private and the form fields that
check them by content (core.uploads).

Every stored file is a `PrivateFileField` (attachments, import sheets) or a `PrivateImageField`
(photos). Their `.url` is the authorising view of core.files (`/files/<kind>/<id>/<name>`), never
a MEDIA_URL path, so templates, serializers and the admin all link through the owner's rules; the
system checks of core.checks refuse any other FileField. Their form fields re-encode photos and
check attachments, so that an admin upload goes through the same checks as a page's.
"""

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model
from django.db.models.fields.files import FieldFile, ImageFieldFile
from django.utils.functional import lazy
from django.utils.translation import gettext

from core import uploads

PHOTO_ACCEPT = "image/jpeg,image/png,image/webp"
ATTACHMENT_ACCEPT = {
    ".jpg": "image/jpeg,image/png,image/webp",
    ".pdf": ".pdf,application/pdf",
}


# --- Form fields ---------------------------------------------------------------------------------


def _accepted_text(allowed: Collection[str]) -> str:
    return gettext("Accepted: %(kinds)s.") % {"kinds": uploads.kinds_text(allowed)}


# Evaluated when shown, in the language of the page (form fields are built once, at import).
_accepted = lazy(_accepted_text, str)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input. Cleaning checks only what costs nothing (how many, how large);
    the services decode and re-encode them (core.uploads.photos_clean) after their own checks, so
    a throttled visitor of the public form cannot make the server decode anything."""

    widget = MultipleFileInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": PHOTO_ACCEPT, "multiple": True})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        items = data if isinstance(data, (list, tuple)) else [data]
        files = [f for f in (forms.FileField.clean(self, item, initial) for item in items) if f]
        uploads.photos_precheck(files)
        return files


class PhotoField(forms.FileField):
    """One photo (the admin's field of a PrivateImageField): re-encoded on upload."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", PHOTO_ACCEPT)

    def to_python(self, data: Any) -> uploads.CleanFile | None:
        upload = super().to_python(data)
        if upload is None:
            return None
        return uploads.CleanFile(
            uploads.photo_clean(upload), extension=".jpg", title=uploads.upload_name(upload)
        )


class AttachmentField(forms.FileField):
    """One attachment of an allowed type (core.uploads.attachment_clean); cleans to a CleanFile
    whose `.title` is the name the user gave it and whose content decided its type."""

    def __init__(
        self, *args: Any, allowed: Collection[str] = uploads.ATTACHMENT_EXTENSIONS, **kwargs: Any
    ) -> None:
        kwargs.pop("max_length", None)
        self.allowed = frozenset(allowed)
        super().__init__(*args, **kwargs)
        if not self.help_text:
            self.help_text = _accepted(self.allowed)
        self.widget.attrs.setdefault(
            "accept",
            ",".join(ATTACHMENT_ACCEPT.get(extension, extension) for extension in self.allowed),
        )

    def to_python(self, data: Any) -> uploads.CleanFile | None:
        upload = super().to_python(data)
        if upload is None:
            return None
        return uploads.attachment_clean(upload, allowed=self.allowed)


# --- Model fields --------------------------------------------------------------------------------


class PrivateUrlMixin:
    if TYPE_CHECKING:
        # Provided by FieldFile, which every user of this mixin also derives from.
        instance: Model

        def _require_file(self) -> None: ...

    @property
    def url(self) -> str:
        from core.files import file_url

        self._require_file()
        return file_url(self.instance)


class PrivateFieldFile(PrivateUrlMixin, FieldFile):
    pass


class PrivateImageFieldFile(PrivateUrlMixin, ImageFieldFile):
    pass


class PrivateFileField(models.FileField):
    """A stored attachment: random name (core.uploads.RandomName), served only through
    core.files as a download."""

    attr_class = PrivateFieldFile

    def formfield(self, **kwargs: Any) -> forms.Field | None:  # type: ignore[override]
        # django-stubs declares form_class and choices_form_class as named parameters; they
        # arrive in **kwargs here and are passed on unchanged.
        return super().formfield(**{"form_class": AttachmentField, **kwargs})


class PrivateImageField(models.ImageField):
    """A stored photo (re-encoded JPEG): random name, served only through core.files."""

    attr_class = PrivateImageFieldFile

    def formfield(self, **kwargs: Any) -> forms.Field | None:  # type: ignore[override]
        # As PrivateFileField.formfield.
        return super().formfield(**{"form_class": PhotoField, **kwargs})
