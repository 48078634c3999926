"""A district goes live from nothing: its boundaries and its first admin, in one step.

`district_create` imports the boundary file (grids.boundary_import: the same checks as every
boundary import) and creates the district admin bound to the new district, in one transaction: a
refused file or a taken login name saves nothing. The admin gets no password: they set their own
through a one-time activation link (`activation_link_issue`).

The first admin holds the right to reveal personal data: rights are granted only by someone who
holds them (accounts.rules), so without it nobody in the district could ever be given it. Holding
it, they enrol a second factor (TOTP) at their first sign-in (accounts.second_factor).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.passwords import link_issue
from accounts.services import user_create
from grids.boundary_import import ImportRefused, ImportResult, import_boundaries
from grids.models import District


@dataclass
class DistrictCreated:
    boundaries: ImportResult
    district: District | None
    admin: User | None
    # Path of the admin's one-time activation link (shown once by the command).
    activation_path: str | None = None


def activation_link_issue(*, user: User) -> str:
    """The path of a one-time link where `user` sets their first password (issued by the
    system: accounts.passwords.link_issue with by=None)."""
    return reverse("accounts:password_link", args=[link_issue(user=user, by=None)])


def _district_code(data) -> str:
    features = data.get("features") if isinstance(data, dict) else None
    codes = [
        str((f.get("properties") or {}).get("code", "")).strip()
        for f in features or []
        if isinstance(f, dict) and (f.get("properties") or {}).get("level") == "district"
    ]
    if len(codes) != 1:
        raise ImportRefused(
            [
                _("The file must hold exactly one district feature (found %(n)s).")
                % {"n": len(codes)}
            ]
        )
    return codes[0]


def _admin_create(*, username: str, name: str, phone: str, district: District) -> User:
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": _("Give the first admin's login name.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This login name is already taken.")})
    return user_create(
        by=None,  # the system: nobody is above the first admin
        username=username,
        role=Role.DISTRICT_ADMIN,
        node=district,
        name=(name or "").strip(),
        phone=(phone or "").strip(),
        may_reveal_personal_data=True,
    )


def district_create(
    data,
    *,
    admin_username: str,
    admin_name: str = "",
    admin_phone: str = "",
    valid_from: datetime.date | None = None,
    gcj02: bool = False,
    dry_run: bool = False,
) -> DistrictCreated:
    """Import the boundaries in `data` (one district and, optionally, its streets, communities,
    grids and sub-grids) and create its first district admin. Raises ImportRefused (the file) or
    ValidationError (the admin); nothing is saved then, nor on a dry run."""
    code = _district_code(data)
    with transaction.atomic():
        boundaries = import_boundaries(data, valid_from=valid_from, gcj02=gcj02)
        district = District.objects.current().get(code=code)
        admin = _admin_create(
            username=admin_username, name=admin_name, phone=admin_phone, district=district
        )
        created = DistrictCreated(boundaries=boundaries, district=district, admin=admin)
        if dry_run:
            boundaries.dry_run = True
            transaction.set_rollback(True)
            return DistrictCreated(boundaries=boundaries, district=None, admin=None)
        created.activation_path = activation_link_issue(user=admin)
    return created
