"""Bring files stored before the private-file mechanism up to its rules (dry run by default).

    manage.py files_secure            # say what would change
    manage.py files_secure --commit   # do it

For every kind of private file (core.files), each file whose name is not a random one of
core.uploads.RandomName is checked again by content and stored under a new random name:
photos are re-encoded (dropping EXIF, GPS, XMP, ICC profile and JPEG comments); attachments keep
their bytes under the extension of their detected type, or `.bin` (served as an opaque download)
when their type is not on the allow-list. The row is updated and the old file deleted.
Run it once after upgrading; files uploaded since are already named and cleaned at upload.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction

from core.files import Kind, kinds
from core.uploads import (
    ATTACHMENT_EXTENSIONS,
    attachment_clean,
    is_random_name,
    photo_reencode,
)


class Command(BaseCommand):
    help = "Rename and re-check files stored before the private-file rules (dry run by default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commit", action="store_true", help="change files (else dry run)")

    def handle(self, *args: Any, commit: bool = False, **options: Any) -> None:
        total = 0
        for kind in kinds().values():
            field = kind.model._meta.get_field(kind.field)
            rows = kind.model._default_manager.exclude(**{kind.field: ""}).order_by("pk")
            changed = refused = 0
            for instance in rows.iterator():
                stored = getattr(instance, kind.field)
                if is_random_name(stored.name):
                    continue
                try:
                    with stored.storage.open(stored.name, "rb") as handle:
                        data = handle.read()
                except OSError:
                    self.stderr.write(f"{kind.kind} {instance.pk}: {stored.name} is missing")
                    continue
                content, extension = self._checked(kind, data, stored.name)
                refused += extension == ".bin"
                changed += 1
                if commit:
                    self._replace(instance, kind.field, field, content, extension)
            total += changed
            self.stdout.write(
                f"{kind.kind}: {changed} to rename"
                + (
                    f" ({refused} not of an allowed type: kept as .bin downloads)"
                    if refused
                    else ""
                )
            )
        verb = "renamed" if commit else "would be renamed (dry run; --commit to do it)"
        self.stdout.write(f"{total} files {verb}.")

    def _checked(self, kind: Kind, data: bytes, name: str) -> tuple[bytes, str]:
        upload = ContentFile(data, name=name)
        try:
            if kind.inline:
                return photo_reencode(data, name), ".jpg"
            clean = attachment_clean(upload, allowed=ATTACHMENT_EXTENSIONS)
            return clean.read(), clean.extension
        except ValidationError:
            return data, ".bin"

    def _replace(
        self, instance: models.Model, name: str, field: Any, content: bytes, extension: str
    ) -> None:
        stored = getattr(instance, name)
        old_name, storage = stored.name, stored.storage
        with transaction.atomic():
            stored.save(f"file{extension}", ContentFile(content), save=False)
            fields = [name] + [
                f
                for f in (getattr(field, "width_field", None), getattr(field, "height_field", None))
                if f
            ]
            type(instance)._default_manager.filter(pk=instance.pk).update(
                **{f: getattr(instance, f) for f in fields}
            )
            transaction.on_commit(lambda: storage.delete(old_name))
