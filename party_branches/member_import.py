"""The member .xlsx import and export (the columns street offices keep today), in one module.

The flow of every spreadsheet import (core.sheets): `member_import_preview` checks every row and
says what is wrong with each (bad ID checksum, unknown community, duplicate in the file or already
recorded, the secretary rule…). `member_import_commit` re-checks and writes in one transaction:
all rows when the file is clean, or only the clean rows when the caller explicitly asks for that;
otherwise nothing.

With `create_logins`, members get a login account (role Party member, bound to the grid of their
branch) through accounts.services.user_create, so the importer's rights apply: the login name is
the 登录账号 column when it names a new account, otherwise the member's mobile number. A member
without a branch or a mobile number gets no login (the preview says so). New logins have no
password: each member sets one with the SMS code of "Forgot your password?" on the login page.

Between upload and commit the sheet (full phone and ID numbers) is kept as a MemberImportBatch,
readable only by its uploader (core.files). It is deleted as soon as the import is committed
(`import_batch_commit`, the batch row stays as the record of who imported how many) or abandoned
(`import_batch_abandon`), and `import_batches_purge` (hourly, Celery beat) deletes the sheets of
imports left pending longer than REDGRID_PARTY_BRANCHES_IMPORT_SHEET_HOURS (24).
"""

import datetime
import io
import re
from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts import rules
from accounts.models import Role, User
from accounts.services import PHONE_PATTERN, user_create
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
    template_xlsx,
    text,
)
from grids.jurisdiction import scope_queryset
from grids.models import Community
from party_branches.conf import conf
from party_branches.models import (
    BranchCommitteeMember,
    CommitteePosition,
    MemberImportBatch,
    PartyBranch,
    PartyMember,
)
from party_branches.services import committee_member_appoint, id_number_validate, secretary_check
from privacy.crypto import blind_index
from privacy.masking import mask_id_number, mask_phone

# The header street offices use (the English label or the key is accepted too) and the
# template's example row.
COLUMNS = (
    Column("name", pgettext_lazy("person", "Name"), "姓名", required=True, example="陈志明"),
    Column("gender", gettext_lazy("Gender"), "性别", required=True, example="男"),
    Column(
        "birth_date", gettext_lazy("Date of birth"), "出生日期", required=True, example="1978-04-12"
    ),
    Column("phone", gettext_lazy("Mobile phone"), "手机号码", example="13800000003"),
    Column(
        "id_number",
        gettext_lazy("ID number"),
        "身份证号",
        required=True,
        example="440306197804120015",
    ),
    Column(
        "joined_on",
        gettext_lazy("Date joined the Party"),
        "入党日期",
        required=True,
        example="2003-07-01",
    ),
    Column(
        "full_member_on", gettext_lazy("Date made full member"), "转正日期", example="2004-07-01"
    ),
    Column("workplace", gettext_lazy("Workplace"), "工作单位", example="示例科技有限公司"),
    Column("workplace_kind", gettext_lazy("Workplace kind"), "单位类别", example="企业"),
    Column("kind", gettext_lazy("Member kind"), "党员类别", example="在职党员"),
    Column(
        "community", gettext_lazy("Home community"), "所在社区", required=True, example="光明社区"
    ),
    Column("grid", gettext_lazy("Grid of the branch"), "所属网格支部"),
    Column("account", gettext_lazy("Login account"), "登录账号"),
    Column("position", gettext_lazy("Branch position"), "支部职务"),
)
# The values street offices write, whatever the interface language.
CHOICE_ALIASES = {
    "gender": {"男": "male", "女": "female"},
    "workplace_kind": {
        "机关": "government",
        "党政机关": "government",
        "事业单位": "public_institution",
        "企业": "company",
        "社会组织": "social_organisation",
        "无": "none",
    },
    "kind": {
        "居民党员": "resident",
        "网格员党员": "grid_worker",
        "报到党员": "registered",
        "在职党员": "registered",
        "流动党员": "mobile",
    },
    "position": {"书记": "secretary", "副书记": "deputy_secretary", "委员": "member"},
}
_USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
MAX_ROWS = 5000


@dataclass
class MemberRow(RowResult):
    member: PartyMember | None = None
    branch: PartyBranch | None = None
    position: str = ""
    new_login: str = ""  # login name to create (create_logins)
    login_note: str = ""  # why no login is created for this row (create_logins)

    @property
    def login_display(self) -> str:
        """The login to create, masked when it is the mobile number."""
        return mask_phone(self.new_login) if PHONE_PATTERN.match(self.new_login) else self.new_login

    @property
    def display(self) -> dict:
        """The row as shown in the preview (phone and ID number masked)."""
        values = dict(self.values)
        values["phone"] = mask_phone(str(values.get("phone") or ""))
        values["id_number"] = mask_id_number(str(values.get("id_number") or ""))
        return values


@dataclass
class _Lookups:
    """What checking the rows needs, read once per file (a fixed number of queries)."""

    genders: dict
    workplace_kinds: dict
    kinds: dict
    positions: dict
    communities: dict
    branches: dict
    indexes: dict  # normalised ID number → blind index
    recorded: set  # blind indexes of members already recorded
    accounts: dict
    today: datetime.date
    user: object = None
    create_logins: bool = False
    taken: set = field(default_factory=set)  # login names (lower case) already in use
    seen: dict = field(default_factory=dict)  # ID number → line where the file first has it
    seen_logins: dict = field(default_factory=dict)  # new login name → line that first has it


def _taken_logins(rows) -> set:
    """The login names (lower case) among the file's accounts and phones that already exist."""
    candidates = {text(v.get(key)).lower() for _l, v in rows for key in ("account", "phone")}
    return set(
        User.objects.annotate(lower=Lower("username"))
        .filter(lower__in=candidates - {""})
        .values_list("lower", flat=True)
    )


def _lookups(rows, user, *, create_logins: bool = False) -> _Lookups:
    communities = {}
    for community in scope_queryset(Community.objects.current(), user):
        communities[community.code] = community
        communities[community.name] = community
        communities[community.name.removesuffix("社区")] = community
    branches = {}
    for branch in scope_queryset(
        PartyBranch.objects.filter(kind=PartyBranch.Kind.GRID), user
    ).select_related("grid"):
        branches[branch.grid.code] = branch
        branches[branch.grid.name] = branch
    # Duplicates already recorded: one query on the blind index for the whole file.
    indexes = {}
    for _line, values in rows:
        raw = text(values.get("id_number")).upper()
        if raw:
            indexes[raw] = blind_index(raw)
    recorded = set(
        PartyMember.objects.filter(id_number_index__in=indexes.values()).values_list(
            "id_number_index", flat=True
        )
    )
    accounts = {
        u.username: u
        for u in User.objects.filter(
            username__in=[text(v.get("account")) for _l, v in rows if text(v.get("account"))]
        ).select_related("party_member")
    }
    return _Lookups(
        genders=choice_table(PartyMember.Gender.choices, CHOICE_ALIASES["gender"]),
        workplace_kinds=choice_table(
            PartyMember.WorkplaceKind.choices, CHOICE_ALIASES["workplace_kind"]
        ),
        kinds=choice_table(PartyMember.Kind.choices, CHOICE_ALIASES["kind"]),
        positions=choice_table(CommitteePosition.choices, CHOICE_ALIASES["position"]),
        communities=communities,
        branches=branches,
        indexes=indexes,
        recorded=recorded,
        accounts=accounts,
        today=timezone.localdate(),
        user=user,
        create_logins=create_logins,
        taken=_taken_logins(rows) if create_logins else set(),
    )


def _choice(value: str, table: dict, errors: list, message: str, *, default=None, lower=True):
    """The table's entry for a cell (None when the cell is empty: `default`); an unknown value
    adds `message` (with %(value)s) to `errors` and gives None."""
    if not value:
        return default
    found = table.get(value.lower() if lower else value)
    if not found:
        errors.append(message % {"value": value})
        return None
    return found


def _id_number(cells: dict, line: int, lookups: _Lookups, errors: list) -> str:
    id_number = cells["id_number"].upper()
    if not id_number:
        return id_number
    try:
        id_number = id_number_validate(id_number)
    except ValidationError as exc:
        errors.extend(exc.messages)
        return id_number
    if id_number in lookups.seen:
        errors.append(
            _("Duplicate: the same ID number is on row %(line)s.")
            % {"line": lookups.seen[id_number]}
        )
    else:
        lookups.seen[id_number] = line
    if lookups.indexes.get(id_number) in lookups.recorded:
        errors.append(_("Duplicate: a Party member with this ID number is already recorded."))
    return id_number


def _dates(values: dict, lookups: _Lookups, errors: list):
    birth_date = date_cell(values.get("birth_date"), "出生日期", errors)
    joined_on = date_cell(values.get("joined_on"), "入党日期", errors)
    full_member_on = date_cell(values.get("full_member_on"), "转正日期", errors)
    if joined_on and full_member_on and full_member_on < joined_on:
        errors.append(_("The date made full member is before the date joined."))
    if joined_on and joined_on > lookups.today:
        errors.append(_("The date joined is in the future."))
    return birth_date, joined_on, full_member_on


def _account(value: str, lookups: _Lookups, errors: list):
    """The existing login account named in the row (None for a new login: see _new_login)."""
    if value and lookups.create_logins and value not in lookups.accounts:
        return None
    account = _choice(
        value, lookups.accounts, errors, _('Unknown login account "%(value)s".'), lower=False
    )
    if account is not None and getattr(account, "party_member", None) is not None:
        errors.append(
            _('The login account "%(value)s" already belongs to a member.') % {"value": value}
        )
    return account


def _new_login(cells: dict, line: int, branch, lookups: _Lookups, errors: list) -> tuple[str, str]:
    """(login name to create, why none is created) for a row, with create_logins: the 登录账号
    column when it names a new account, otherwise the member's mobile number."""
    if not lookups.create_logins:
        return "", ""
    new_login = login_note = ""
    if cells["account"]:
        if cells["account"] in lookups.accounts:
            return "", ""
        if cells["account"].lower() in lookups.taken:
            errors.append(_('The login name "%(value)s" is taken.') % {"value": cells["account"]})
            return "", ""
        new_login = cells["account"]
    else:
        login_phone = cells["phone"] if PHONE_PATTERN.match(cells["phone"]) else ""
        if not login_phone:
            return "", _("No login: no mobile phone.")
        if login_phone in lookups.taken:
            return "", _('No login: "%(value)s" is already a login name.') % {"value": login_phone}
        new_login = login_phone
    if not _USERNAME.match(new_login):
        errors.append(
            _('Login name "%(value)s": use letters, digits and @ . + - _ only.')
            % {"value": new_login}
        )
    if branch is None:
        return "", _("No login: a login needs the grid of the branch.")
    if not rules.may_hold(lookups.user, role=Role.PARTY_MEMBER, node=branch.grid):
        errors.append(_("You may not create logins for members of this grid."))
    elif new_login.lower() in lookups.seen_logins:
        errors.append(
            _("Duplicate: the login name %(value)s is also on row %(line)s.")
            % {"value": new_login, "line": lookups.seen_logins[new_login.lower()]}
        )
    else:
        lookups.seen_logins[new_login.lower()] = line
    return new_login, login_note


def _row(line: int, values: dict, lookups: _Lookups) -> MemberRow:
    errors = missing_errors(COLUMNS, values)
    cells = {c.key: text(values.get(c.key)) for c in COLUMNS}
    id_number = _id_number(cells, line, lookups, errors)
    gender = _choice(
        cells["gender"], lookups.genders, errors, _('Gender: "%(value)s" is not 男 or 女.')
    )
    birth_date, joined_on, full_member_on = _dates(values, lookups, errors)
    community = _choice(
        cells["community"],
        lookups.communities,
        errors,
        _('Unknown community "%(value)s" (or outside your jurisdiction).'),
        lower=False,
    )
    workplace_kind = _choice(
        cells["workplace_kind"],
        lookups.workplace_kinds,
        errors,
        _('Unknown workplace kind "%(value)s".'),
        default=PartyMember.WorkplaceKind.NONE,
    )
    kind = _choice(
        cells["kind"],
        lookups.kinds,
        errors,
        _('Unknown member kind "%(value)s".'),
        default=PartyMember.Kind.RESIDENT,
    )
    branch = _choice(
        cells["grid"],
        lookups.branches,
        errors,
        _('No grid Party branch for the grid "%(value)s" in your jurisdiction.'),
        lower=False,
    )
    account = _account(cells["account"], lookups, errors)
    position = (
        _choice(
            cells["position"],
            lookups.positions,
            errors,
            _('Unknown branch position "%(value)s".'),
        )
        or ""
    )
    if position and branch is None:
        errors.append(_("A branch position needs the grid of the branch."))
    new_login, login_note = _new_login(cells, line, branch, lookups, errors)
    member = PartyMember(
        name=cells["name"],
        gender=gender or "",
        birth_date=birth_date,
        phone=cells["phone"],
        id_number=id_number,
        id_number_index=lookups.indexes.get(id_number, ""),
        joined_on=joined_on,
        full_member_on=full_member_on,
        workplace=cells["workplace"],
        workplace_kind=workplace_kind or "",
        kind=kind or "",
        community=community,
        branch=branch,
        user=account,
    )
    if not errors:
        _validate(member, branch=branch, position=position, errors=errors)
    return MemberRow(
        line=line,
        values=cells,
        errors=errors,
        member=member,
        branch=branch,
        position=position,
        new_login=new_login,
        login_note=login_note,
    )


def _validate(member: PartyMember, *, branch, position: str, errors: list) -> None:
    """The model's own rules, then the secretary rule for a secretary (only for rows that passed
    the column checks)."""
    try:
        member.full_clean(
            exclude=["id_number_index", "community", "branch", "user"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        errors.extend(exc.messages)
        return
    if position == CommitteePosition.SECRETARY:
        try:
            secretary_check(branch=branch, member=member)
        except ValidationError as exc:
            errors.extend(exc.messages)


class Imported(int):
    """The number of members imported; `.logins`: how many login accounts were made with them."""

    logins = 0


def member_import_preview(
    file: IO[bytes], *, user: User, create_logins: bool = False
) -> Preview[MemberRow]:
    # The upload form accepts .xlsx workbooks only (checked by content).
    rows, problems = sheet_rows(
        file.read(), filename="members.xlsx", columns=COLUMNS, max_rows=MAX_ROWS
    )
    if problems:
        return Preview(rows=[], problems=problems)
    lookups = _lookups(rows, user, create_logins=create_logins)
    return Preview(rows=[_row(line, values, lookups) for line, values in rows])


def member_import_commit(
    file, *, user, clean_only: bool = False, create_logins: bool = False
) -> Imported:
    """Write the members of a previewed file; refuses (writes nothing) unless every row is clean
    or `clean_only` was chosen explicitly. Returns the number of members created (with
    `.logins`, the login accounts made for them)."""
    preview = member_import_preview(file, user=user, create_logins=create_logins)
    rows = rows_to_write(preview, clean_only=clean_only)
    logins = 0
    with transaction.atomic():
        for row in rows:
            if row.new_login:
                phone = row.member.phone if PHONE_PATTERN.match(row.member.phone or "") else ""
                try:
                    row.member.user = user_create(
                        by=user,
                        username=row.new_login,
                        name=row.member.name,
                        role=Role.PARTY_MEMBER,
                        node=row.branch.grid,
                        phone=phone,
                    )
                except (ValidationError, PermissionDenied) as exc:
                    message = " ".join(getattr(exc, "messages", [str(exc)]))
                    raise ImportRefused(
                        _("Row %(line)s: %(problem)s") % {"line": row.line, "problem": message},
                        preview,
                    ) from exc
                logins += 1
        PartyMember.objects.bulk_create([row.member for row in rows])
        # bulk_create sets primary keys on PostgreSQL and SQLite ≥ 3.35; the appointments follow.
        for row in rows:
            if row.position:
                committee_member_appoint(
                    branch=row.branch,
                    member=row.member,
                    position=row.position,
                    source=BranchCommitteeMember.Source.RESIDENT,
                )
    result = Imported(len(rows))
    result.logins = logins
    return result


def _sheet_delete_after_commit(name: str, storage) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def import_batch_create(*, sheet, by) -> MemberImportBatch:
    """Keep an uploaded sheet (a core.uploads.CleanFile, checked to be .xlsx) for its preview."""
    return MemberImportBatch.objects.create(uploaded_by=by, file=sheet, title=sheet.title[:200])


@transaction.atomic
def import_batch_commit(
    *, batch: MemberImportBatch, user, clean_only: bool = False, create_logins: bool = False
) -> Imported:
    """Import the batch's sheet (member_import_commit), record the count and delete the sheet
    once the transaction is committed; ImportRefused keeps everything as it was."""
    batch = MemberImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.committed_at is not None or not batch.file:
        raise ImportRefused(_("This file was already imported."), None)
    with batch.file.open("rb") as sheet:
        count = member_import_commit(
            sheet, user=user, clean_only=clean_only, create_logins=create_logins
        )
    name, storage = batch.file.name, batch.file.storage
    batch.committed_at = timezone.now()
    batch.imported_count = count
    batch.file = ""
    batch.save(update_fields=["committed_at", "imported_count", "file"])
    _sheet_delete_after_commit(name, storage)
    return count


@transaction.atomic
def import_batch_abandon(*, batch: MemberImportBatch) -> None:
    """Drop a pending import: its row and, after the commit, its sheet."""
    if batch.committed_at is not None:
        return
    _sheet_delete_after_commit(batch.file.name, batch.file.storage)
    batch.delete()


def import_batches_purge(*, now=None) -> int:
    """Abandon the imports left pending longer than conf.IMPORT_SHEET_HOURS and delete any sheet
    of a committed import; how many sheets were deleted."""
    limit = (now or timezone.now()) - datetime.timedelta(hours=conf.IMPORT_SHEET_HOURS)
    stale = MemberImportBatch.objects.filter(committed_at__isnull=True, uploaded_at__lt=limit)
    count = 0
    # Sheets kept by imports committed before sheets were deleted at commit.
    for batch in MemberImportBatch.objects.filter(committed_at__isnull=False).exclude(file=""):
        with transaction.atomic():
            _sheet_delete_after_commit(batch.file.name, batch.file.storage)
            MemberImportBatch.objects.filter(pk=batch.pk).update(file="")
        count += 1
    for batch in stale.iterator():
        import_batch_abandon(batch=batch)
        count += 1
    return count


def member_import_template() -> bytes:
    """The import's template: the columns street offices use and one example row."""
    return template_xlsx(COLUMNS, title=_("Party members"))


def members_export_xlsx(members, *, unmasked: bool) -> bytes:
    """The members in the import's columns; phone and ID masked unless `unmasked`."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = _("Party members")
    sheet.append([c.chinese for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    positions = dict(CommitteePosition.choices)
    for member in members:
        phone = member.phone if unmasked else mask_phone(member.phone)
        id_number = member.id_number if unmasked else mask_id_number(member.id_number)
        position = getattr(member, "current_position", None)
        sheet.append(
            [
                member.name,
                member.get_gender_display(),
                member.birth_date,
                phone,
                id_number,
                member.joined_on,
                member.full_member_on,
                member.workplace,
                member.get_workplace_kind_display(),
                member.get_kind_display(),
                member.community.name,
                member.branch.grid.code if member.branch_id else "",
                member.user.username if member.user_id else "",
                str(positions.get(position, "")) if position else "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
