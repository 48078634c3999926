"""The households import (grids.sheet_import): one row per resident, the way community offices
keep their lists; rows with the same area grid and address are one household (an address already
registered in the grid gets the new residents). A row without a name registers the household
alone. Every row is checked with the rules of the site's forms (care.services: where the household
is, who may register it, phone and ID number, consent); phone, ID number and address are masked in
the preview and encrypted when saved."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from care import services
from care.models import CareTag, Household, Resident
from care.selectors import grids_registrable_by
from core.sheets import Column, choice_table, date_cell, missing_errors, text
from grids.locate import GridIndex
from grids.models import SubGrid
from grids.sheet_import import RowResult, SheetKind, sheet_kind
from grids.sheets import LAT, LON, point_of
from privacy.crypto import text_index
from privacy.masking import mask_address, mask_id_number, mask_name, mask_phone

GENDERS = {"男": Resident.Gender.MALE, "女": Resident.Gender.FEMALE}
LEGAL_BASES = {
    "法定职责": Resident.LegalBasis.STATUTORY_DUTY,
    "履行法定职责": Resident.LegalBasis.STATUTORY_DUTY,
    "单独同意": Resident.LegalBasis.CONSENT,
    "同意": Resident.LegalBasis.CONSENT,
}


class _Lookups:
    """What checking the rows needs, read once per file."""

    def __init__(self, rows, user):
        self.user = user
        self.grids = {g.code: g for g in grids_registrable_by(user)}
        self.tags = {}
        for tag in CareTag.objects.all():
            self.tags[tag.code.lower()] = tag
            self.tags[tag.name.lower()] = tag
        self.genders = choice_table(Resident.Gender.choices, GENDERS)
        self.bases = choice_table(Resident.LegalBasis.choices, LEGAL_BASES)
        # Points placed in one pass (two in-memory indexes), not one query per row.
        points = [(line, point_of(values, [])) for line, values in rows]
        with_point = [(line, p) for line, p in points if p is not None]
        lonlats = [(p.x, p.y) for _line, p in with_point]
        grid_ids = GridIndex().grid_ids_for(lonlats) if lonlats else []
        subgrid_ids = GridIndex(model=SubGrid).grid_ids_for(lonlats) if lonlats else []
        by_id = {g.pk: g for g in self.grids.values()}
        self.located = {
            line: (grid_id, by_id.get(grid_id), subgrid_id)
            for (line, _p), grid_id, subgrid_id in zip(
                with_point, grid_ids, subgrid_ids, strict=True
            )
        }
        self.households: dict[tuple[int, str], int] = {}  # (grid, address index) → first line
        self.existing = {
            (grid_id, index)
            for grid_id, index in Household.objects.filter(
                grid__in=list(self.grids.values()), anonymised_at__isnull=True
            ).values_list("grid_id", "address_index")
        }
        self.id_numbers: dict[str, int] = {}


@sheet_kind
class HouseholdSheet(SheetKind):
    name = "households"
    title = gettext_lazy("Import households and residents")
    intro = gettext_lazy(
        "One row per resident: rows with the same area grid and address are one household (an "
        "address already registered gets the new residents). Give the household's longitude and "
        "latitude, or its area grid code. Phone, ID number, address and tag details are stored "
        "encrypted."
    )
    permission = "care.add_household"
    done_url = "care:home"
    order = 40
    columns = (
        Column(
            "grid",
            gettext_lazy("Area grid code"),
            "网格编码",
            example="44031100100101",
            help=gettext_lazy("Optional when the point is given: the point decides."),
        ),
        Column("building", gettext_lazy("Building"), "楼栋", example="光明花园3栋"),
        Column(
            "address",
            gettext_lazy("Address"),
            "地址",
            required=True,
            example="光明大道88号光明花园3栋1203室",
        ),
        LON,
        LAT,
        Column("registered_on", gettext_lazy("Registered on"), "登记日期", example="2026-03-01"),
        Column("name", pgettext_lazy("person", "Name"), "姓名", example="李秀英"),
        Column("gender", gettext_lazy("Gender"), "性别", example="女"),
        Column("birth_date", gettext_lazy("Date of birth"), "出生日期", example="1941-05-06"),
        Column("phone", gettext_lazy("Mobile phone"), "手机号码", example="13812345678"),
        Column("id_number", gettext_lazy("ID number"), "身份证号", example="440306194105060021"),
        Column(
            "tags",
            gettext_lazy("Care tags"),
            "关爱标签",
            example="独居老人",
            help=gettext_lazy("Tag names separated by 、 (e.g. 独居老人、残疾人)"),
        ),
        Column(
            "tag_details",
            gettext_lazy("Tag details"),
            "标签详情",
            help=gettext_lazy("e.g. the disability's type and grade; stored encrypted"),
        ),
        Column(
            "legal_basis",
            gettext_lazy("Legal basis"),
            "法律依据",
            example="法定职责",
            help=gettext_lazy("法定职责 (statutory duty, default) or 单独同意 (separate consent)"),
        ),
        Column("consent_date", gettext_lazy("Consent date"), "同意日期"),
        Column("consent_scope", gettext_lazy("Consent scope"), "同意范围"),
    )
    preview_headers = (
        gettext_lazy("Area grid"),
        gettext_lazy("Address"),
        pgettext_lazy("person", "Name"),
        gettext_lazy("phone"),
        gettext_lazy("ID number"),
        gettext_lazy("Care tags"),
    )

    def _place(self, line, values, lookups, errors):
        code = text(values.get("grid"))
        grid = lookups.grids.get(code) if code else None
        if code and grid is None:
            errors.append(
                _('Unknown area grid "%(value)s" (or outside your jurisdiction).') % {"value": code}
            )
        point = point_of(values, errors)
        subgrid_id = None
        if point is not None and line in lookups.located:
            found_id, found, subgrid_id = lookups.located[line]
            if found_id is None:
                errors.append(_("This point is outside the district."))
            elif found is None:
                errors.append(_("This point lies in an area grid outside your jurisdiction."))
            elif grid is not None and found.pk != grid.pk:
                errors.append(
                    _("This point lies in area grid %(found)s, not in %(grid)s.")
                    % {"found": found.name, "grid": grid.name}
                )
            else:
                grid = found
        if grid is None and point is None and not code:
            errors.append(_("Give the longitude and latitude, or the area grid code."))
        return grid, point, subgrid_id

    def _resident(self, values, lookups):
        errors = []
        gender = lookups.genders.get(text(values.get("gender")).lower(), "")
        if text(values.get("gender")) and not gender:
            errors.append(
                _('Gender: "%(value)s" is not 男 or 女.') % {"value": text(values.get("gender"))}
            )
        basis = lookups.bases.get(
            text(values.get("legal_basis")).lower() or Resident.LegalBasis.STATUTORY_DUTY
        )
        if basis is None:
            errors.append(
                _('Unknown legal basis "%(value)s".') % {"value": text(values.get("legal_basis"))}
            )
            basis = Resident.LegalBasis.STATUTORY_DUTY
        birth_date = date_cell(values.get("birth_date"), "出生日期", errors)
        consent_date = date_cell(values.get("consent_date"), "同意日期", errors)
        tags = []
        for name in text(values.get("tags")).replace(",", "、").replace("，", "、").split("、"):
            if not name.strip():
                continue
            tag = lookups.tags.get(name.strip().lower())
            if tag is None:
                errors.append(_('Unknown care tag "%(value)s".') % {"value": name.strip()})
            else:
                tags.append((tag, text(values.get("tag_details")) if tag.details_label else ""))
        data = {
            "name": text(values.get("name"))[:50],
            "gender": gender,
            "birth_date": birth_date,
            "phone": text(values.get("phone")),
            "id_number": text(values.get("id_number")).upper(),
            "legal_basis": basis,
            "consent_date": consent_date,
            "consent_scope": text(values.get("consent_scope")),
            "tags": tags,
        }
        try:
            services.resident_clean_contact(
                phone=data["phone"],
                id_number=data["id_number"],
                legal_basis=basis,
                consent_date=consent_date,
                consent_scope=data["consent_scope"],
                household=None,
            )
        except ValidationError as error:
            errors.extend(error.messages)
        return data, errors

    def check(self, rows, *, user):
        lookups = _Lookups(rows, user)
        results = []
        for line, values in rows:
            errors = missing_errors(self.columns, values)
            address = " ".join(text(values.get("address")).split())
            grid, point, subgrid_id = self._place(line, values, lookups, errors)
            registered_on = date_cell(values.get("registered_on"), "登记日期", errors)
            resident = None
            if text(values.get("name")):
                resident, resident_errors = self._resident(values, lookups)
                errors.extend(resident_errors)
                id_number = resident["id_number"]
                if id_number and id_number in lookups.id_numbers:
                    errors.append(
                        _("Duplicate: the same ID number is on row %(line)s.")
                        % {"line": lookups.id_numbers[id_number]}
                    )
                elif id_number:
                    lookups.id_numbers[id_number] = line
            key = (grid.pk, text_index(address)) if grid is not None and address else None
            existing = key in lookups.existing if key else False
            if key and not errors and not existing and key not in lookups.households:
                try:
                    services.household_register_check(
                        by=user, address=address, grid=grid, location=None
                    )
                except (ValidationError, PermissionDenied) as error:
                    errors.extend(getattr(error, "messages", [str(error)]))
            if key and not errors:
                lookups.households.setdefault(key, line)
            results.append(
                RowResult(
                    line=line,
                    values=values,
                    errors=errors,
                    obj=resident,
                    extra={
                        "key": key,
                        "grid": grid,
                        "point": point,
                        "address": address,
                        "building": text(values.get("building"))[:100],
                        "registered_on": registered_on,
                        "existing": existing,
                    },
                    display=[
                        grid.name if grid else text(values.get("grid")),
                        mask_address(address),
                        mask_name(resident["name"]) if resident else "",
                        mask_phone(resident["phone"]) if resident else "",
                        mask_id_number(resident["id_number"]) if resident else "",
                        "、".join(t.name for t, _d in resident["tags"]) if resident else "",
                    ],
                )
            )
        return results

    @transaction.atomic
    def write(self, rows, *, user):
        households: dict[tuple, Household] = {}
        for row in rows:
            key, extra = row.extra["key"], row.extra
            household = households.get(key)
            if household is None and extra["existing"]:
                household = Household.objects.get(
                    grid=extra["grid"], address_index=key[1], anonymised_at__isnull=True
                )
            if household is None:
                household = services.household_register(
                    by=user,
                    address=extra["address"],
                    building=extra["building"],
                    grid=extra["grid"],
                    location=extra["point"],
                    registered_on=extra["registered_on"],
                )
            households[key] = household
            if row.obj:
                services.resident_add(household=household, by=user, **row.obj)
        return len(rows)
