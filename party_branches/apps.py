from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.files import PrivateFile


class PartyBranchesConfig(AppConfig):
    name = "party_branches"
    verbose_name = _("Party branches")
    # Who may read each kind of stored file (core.files).
    private_files = [
        PrivateFile(
            "meeting-attachment",
            "party_branches.MeetingAttachment",
            "party_branches.selectors.meeting_attachments_visible_to",
            title_field="title",
        ),
        PrivateFile(
            "member-import",
            "party_branches.MemberImportBatch",
            "party_branches.selectors.import_sheets_visible_to",
            title_field="title",
        ),
    ]
    nav_items = [("party_branches:list", _("Party branches"), "staff")]
    role_permissions = {
        "district_admin": [
            "party_branches.streetcommittee",
            "party_branches.communitycommittee",
            "party_branches.partybranch",
            "party_branches.partymember",
            "party_branches.branchcommitteemember",
            "party_branches.communitycommitteemember",
            "party_branches.meeting",
            "party_branches.meetingattendance",
            "party_branches.meetingattachment",
            "party_branches.memberimportbatch",
        ],
        "street_staff": [
            "party_branches.view_streetcommittee",
            "party_branches.communitycommittee",
            "party_branches.partybranch",
            "party_branches.partymember",
            "party_branches.branchcommitteemember",
            "party_branches.communitycommitteemember",
            "party_branches.meeting",
            "party_branches.meetingattendance",
            "party_branches.meetingattachment",
            "party_branches.memberimportbatch",
        ],
        "community_staff": [
            "party_branches.view_communitycommittee",
            "party_branches.partybranch",
            "party_branches.partymember",
            "party_branches.branchcommitteemember",
            "party_branches.view_communitycommitteemember",
            "party_branches.meeting",
            "party_branches.meetingattendance",
            "party_branches.meetingattachment",
            "party_branches.memberimportbatch",
        ],
        "grid_head": [
            "party_branches.view_partybranch",
            "party_branches.view_partymember",
            "party_branches.view_branchcommitteemember",
            "party_branches.meeting",
            "party_branches.meetingattendance",
            "party_branches.meetingattachment",
        ],
        "grid_worker": ["party_branches.view_partybranch", "party_branches.view_meeting"],
    }
