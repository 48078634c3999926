"""Names of seeded lookup rows in the reader's language.

The lookup lists an app seeds and a district extends in the admin — care tags, facilities,
functions, volunteer activity categories, request categories — carry their Chinese `name` and an
English `name_en`. One approach for all five, and not msgids for the seeded codes: the district
adds its own rows and renames seeded ones in the admin, and a catalogue can only translate words
known when the code was written; a second name field is filled in the admin for any row. The
seeded rows get theirs in the data migration that adds the field.

    class CareTag(TranslatedName):        # the model keeps its own `name` field
        name = models.CharField(_("name"), max_length=60)

    tag.label      # name_en when the page is English and name_en is filled, else name
    str(tag)       # the same

Adding a language: a `name_<code>` field per model and a branch in `label`.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TranslatedName(models.Model):
    name: str
    name_en = models.CharField(
        _("name in English"),
        max_length=100,
        blank=True,
        help_text=_("Shown on English pages; the Chinese name is shown when this is empty."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name
