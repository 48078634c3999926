"""The staff .xlsx import: accounts plus their grid-head and grid-worker assignments, in one module.

The flow of every spreadsheet import (core.sheets): `staff_import_preview` checks every row and
lists what is wrong with each (unknown role, a role the importer may not
give, a place outside their jurisdiction or at the wrong level, a login name taken, a second grid
head for a grid…); `staff_import_commit` checks again and writes in one transaction — all rows
when the file is clean, or only the clean rows when asked explicitly; otherwise nothing. Each
account goes through accounts.services.user_create (the same rules as the form) and gets a
one-time link to set its password. `staff_import_template` is the .xlsx to fill in.
"""

import base64
import datetime
import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts import rules, selectors
from accounts.conf import conf
from accounts.models import ROLE_LEVEL, Role, StaffImportBatch, User
from accounts.passwords import link_issue
from accounts.services import PHONE_PATTERN, user_create
from core.hierarchy import level_label
from core.sheets import (
    Column,
    ImportRefused,
    Preview,
    RowResult,
    choice_table,
    date_cell,
    missing_errors,
    rows_to_write,
    sheet_rows,
    text,
)
from grids.models import GridAssignment
from grids.services import assignment_create
from privacy.masking import mask_phone

# The header street offices use; the English label or the key is accepted too (core.sheets).
COLUMNS = (
    Column("username", gettext_lazy("Login name"), "登录账号", required=True),
    Column("name", pgettext_lazy("person", "Name"), "姓名", required=True),
    Column("role", gettext_lazy("Role"), "角色", required=True),
    Column("node", gettext_lazy("Street, community or grid"), "所属区域", required=True),
    Column("phone", gettext_lazy("Mobile phone"), "手机号码"),
    Column("email", gettext_lazy("E-mail"), "电子邮箱"),
    Column("start_date", gettext_lazy("In post from"), "任职日期"),
)
# The words street offices write for the roles, whatever the interface language.
ROLE_ALIASES = {
    "区管理员": Role.DISTRICT_ADMIN,
    "街道工作人员": Role.STREET_STAFF,
    "街道干部": Role.STREET_STAFF,
    "社区工作人员": Role.COMMUNITY_STAFF,
    "社区干部": Role.COMMUNITY_STAFF,
    "网格长": Role.GRID_HEAD,
    "网格员": Role.GRID_WORKER,
    "综合网格员": Role.GRID_WORKER,
    "党员": Role.PARTY_MEMBER,
}
# Roles that also get a grid staff assignment in their area grid.
ASSIGNED_ROLES = {Role.GRID_HEAD: "grid_head", Role.GRID_WORKER: "grid_worker"}
BATCH_KEEP = datetime.timedelta(days=1)


@dataclass
class StaffRow(RowResult):
    role: str = ""
    node: Any = None
    start_date: datetime.date | None = None

    @property
    def display(self) -> dict[str, Any]:
        values = dict(self.values)
        values["phone"] = mask_phone(values.get("phone") or "")
        values["role_label"] = Role(self.role).label if self.role else values.get("role", "")
        values["node_label"] = self.node.name if self.node is not None else values.get("node", "")
        return values


@dataclass
class Created:
    user: User
    secret: str


# --- Storage between preview and import -----------------------------------------------------------
def staff_import_upload(*, file, by) -> StaffImportBatch:
    """Keep the upload (encrypted, in the database) for the preview and the import; drop the
    uploads left unimported for more than a day."""
    StaffImportBatch.objects.filter(
        committed_at__isnull=True, uploaded_at__lt=timezone.now() - BATCH_KEEP
    ).delete()
    content = base64.b64encode(file.read()).decode()
    return StaffImportBatch.objects.create(
        uploaded_by=by, file_name=(getattr(file, "name", "") or "")[:200], content=content
    )


def staff_import_abandon(*, batch: StaffImportBatch) -> None:
    """Drop a pending import and its file (nothing is imported)."""
    if batch.committed_at is None:
        batch.delete()


def batch_data(batch: StaffImportBatch) -> bytes:
    return base64.b64decode(batch.content or "")


# --- Reading and checking -------------------------------------------------------------------------
@dataclass
class _Lookups:
    """What checking the rows needs, read once per file (a fixed number of queries)."""

    role_names: dict
    allowed: set
    nodes: dict  # level -> {code or name: node}
    taken: set  # login names (lower case) already in use
    headed: dict  # grid id -> its grid head now
    seen_usernames: dict = field(default_factory=dict)
    seen_heads: dict = field(default_factory=dict)


def _lookups(rows, by) -> _Lookups:
    nodes = {}
    for level, items in selectors.nodes_for(by, list(Role)).items():
        index = nodes.setdefault(level, {})
        for node in items:
            index[node.code] = node
            index[node.name] = node
    usernames = [text(v.get("username")) for _line, v in rows]
    taken = {
        name.lower()
        for name in User.objects.filter(username__in=[u for u in usernames if u]).values_list(
            "username", flat=True
        )
    }
    headed = {
        a.grid_id: a.user
        for a in GridAssignment.objects.in_force()
        .filter(role=GridAssignment.Role.GRID_HEAD)
        .select_related("user")
    }
    return _Lookups(
        role_names=choice_table(
            Role.choices, {alias: role.value for alias, role in ROLE_ALIASES.items()}
        ),
        allowed=set(rules.manageable_roles(by)),
        nodes=nodes,
        taken=taken,
        headed=headed,
    )


def _check_username(username: str, line: int, lookups: _Lookups, errors: list) -> None:
    if not username:
        return
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        errors.append(
            _('Login name "%(value)s": use letters, digits and @ . + - _ only.')
            % {"value": username}
        )
    if username.lower() in lookups.seen_usernames:
        errors.append(
            _("Duplicate: the same login name is on row %(line)s.")
            % {"line": lookups.seen_usernames[username.lower()]}
        )
    else:
        lookups.seen_usernames[username.lower()] = line
    if username.lower() in lookups.taken:
        errors.append(_('The login name "%(value)s" is taken.') % {"value": username})


def _role_and_node(cells: dict, lookups: _Lookups, errors: list):
    role = lookups.role_names.get(cells["role"].lower(), "") if cells["role"] else ""
    if cells["role"] and not role:
        errors.append(_('Unknown role "%(value)s".') % {"value": cells["role"]})
    elif role and role not in lookups.allowed:
        errors.append(
            _("You may not create a %(role)s: only roles below your own.")
            % {"role": Role(role).label}
        )
    node = None
    if role in lookups.allowed and cells["node"]:
        level = ROLE_LEVEL[Role(role)]
        node = lookups.nodes.get(level, {}).get(cells["node"])
        if node is None:
            errors.append(
                _('"%(value)s" is not a %(level)s in your jurisdiction (use its code or name).')
                % {"value": cells["node"], "level": level_label(level)}
            )
    return role, node


def _check_contact(cells: dict, errors: list) -> None:
    if cells["phone"]:
        phone = cells["phone"].replace(" ", "").replace("-", "")
        if not PHONE_PATTERN.match(phone):
            errors.append(_("Mobile phone: enter an 11-digit mainland mobile number."))
        cells["phone"] = phone
    if cells["email"]:
        try:
            validate_email(cells["email"])
        except ValidationError:
            errors.append(_('E-mail: "%(value)s" is not an address.') % {"value": cells["email"]})


def _check_grid_head(node, line: int, lookups: _Lookups, errors: list) -> None:
    if node.pk in lookups.headed:
        errors.append(
            _("%(grid)s already has a grid head (%(name)s): end that assignment first.")
            % {"grid": node.name, "name": lookups.headed[node.pk]}
        )
    if node.pk in lookups.seen_heads:
        errors.append(
            _("Row %(line)s already names a grid head for %(grid)s.")
            % {"line": lookups.seen_heads[node.pk], "grid": node.name}
        )
    else:
        lookups.seen_heads[node.pk] = line


def _row(line: int, values: dict, lookups: _Lookups) -> StaffRow:
    errors = missing_errors(COLUMNS, values)
    cells = {c.key: text(values.get(c.key)) for c in COLUMNS}
    _check_username(cells["username"], line, lookups, errors)
    role, node = _role_and_node(cells, lookups, errors)
    _check_contact(cells, errors)
    start_date = date_cell(values.get("start_date"), "任职日期", errors)
    if role == Role.GRID_HEAD and node is not None:
        _check_grid_head(node, line, lookups, errors)
    return StaffRow(
        line=line, values=cells, errors=errors, role=role, node=node, start_date=start_date
    )


def staff_import_preview(batch: StaffImportBatch, *, by: User) -> Preview[StaffRow]:
    # The upload form accepts .xlsx workbooks only.
    rows, problems = sheet_rows(
        batch_data(batch),
        filename="staff.xlsx",
        columns=COLUMNS,
        max_rows=conf.STAFF_IMPORT_MAX_ROWS,
    )
    if problems:
        return Preview(rows=[], problems=problems)
    lookups = _lookups(rows, by)
    return Preview(rows=[_row(line, values, lookups) for line, values in rows])


# --- Writing --------------------------------------------------------------------------------------
def staff_import_commit(batch: StaffImportBatch, *, by, clean_only: bool = False) -> list[Created]:
    """Create the accounts (and grid assignments) of a previewed file; refuses, writing nothing,
    unless every row is clean or `clean_only` was chosen. Returns each account with the secret of
    its one-time link (shown or sent once by the caller, never stored)."""
    if batch.committed_at is not None:
        raise ImportRefused(_("This file was already imported."))
    rows = rows_to_write(staff_import_preview(batch, by=by), clean_only=clean_only)
    created = []
    with transaction.atomic():
        for row in rows:
            user = user_create(
                by=by,
                username=row.values["username"],
                name=row.values["name"],
                role=row.role,
                node=row.node,
                phone=row.values["phone"],
                email=row.values["email"],
            )
            if row.role in ASSIGNED_ROLES:
                assignment_create(
                    grid=row.node,
                    user=user,
                    role=ASSIGNED_ROLES[row.role],
                    start_date=row.start_date or timezone.localdate(),
                )
            created.append(Created(user=user, secret=link_issue(user=user, by=by)))
        batch.committed_at = timezone.now()
        batch.created_count = len(created)
        batch.content = ""
        batch.save(update_fields=["committed_at", "created_count", "content"])
    return created


def staff_import_template(*, by) -> bytes:
    """The .xlsx to fill in: the headers, one example row, and a second sheet listing the roles
    the importer may give and the places (code and name) of their jurisdiction."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "账号"
    sheet.append([c.chinese for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    roles = rules.manageable_roles(by)
    places = selectors.nodes_for(by, roles)
    example_role = Role.GRID_WORKER if Role.GRID_WORKER in roles else (roles[-1] if roles else "")
    example_nodes = places.get(ROLE_LEVEL[Role(example_role)], []) if example_role else []
    with translation.override("zh-hans"):
        sheet.append(
            [
                "wangfang",
                "王芳",
                str(Role(example_role).label) if example_role else "",
                example_nodes[0].code if example_nodes else "",
                "13800138000",
                "",
                timezone.localdate(),
            ]
        )
        for column, width in zip("ABCDEFG", (16, 10, 14, 20, 14, 24, 12), strict=True):
            sheet.column_dimensions[column].width = width
        help_sheet = workbook.create_sheet("可用角色和区域")
        help_sheet.append(["角色", "所属区域（代码）", "名称"])
        for cell in help_sheet[1]:
            cell.font = Font(bold=True)
        for role in roles:
            for node in places.get(ROLE_LEVEL[role], []):
                help_sheet.append([str(role.label), node.code, node.name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
