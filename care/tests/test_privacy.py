"""Masking, reveal and export audit, the append-only log, encryption at rest, data subjects' rights
and retention."""

import datetime
import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import override_settings
from django.urls import reverse

from care.models import Household, Resident, ResidentTag, Visit
from care.services import pairings_anonymise_expired, resident_anonymise, visit_record
from care.tasks import anonymise_expired_pairings
from conftest import login_verified
from privacy.models import AuditLogEntry

PHONE = "13900000000"  # care fixture: the paired resident


def test_phone_and_id_masked_in_html_export_and_api(client, care):
    resident = care.residents["paired"]
    login_verified(client, care.users.care_staff)
    html = client.get(reverse("care:resident", args=[resident.pk])).content.decode()
    assert resident.phone not in html and "139****0000" in html
    assert resident.id_number not in html and "110101********0012" in html
    assert "二级肢体残疾" not in html
    export = client.post(reverse("care:export"), {"purpose": "季度走访统计"})
    body = export.content.decode("utf-8-sig")
    assert "139****0000" in body and PHONE not in body and resident.id_number not in body
    api = client.get(reverse("api-care-resident-detail", args=[resident.pk])).json()
    assert api["phone"] == "139****0000" and api["id_number"] == "110101********0012"
    households = client.get(reverse("api-care-household-list")).content.decode()
    assert PHONE not in households and "139****0000" in households
    printed = client.get(
        reverse("care:household_print", args=[resident.household_id]), {"purpose": "打印走访表"}
    ).content.decode()
    assert PHONE not in printed and "139****0000" in printed
    actions = list(AuditLogEntry.objects.values_list("action", "record_count"))
    assert ("export", 3) in actions and ("print", 1) in actions


def test_export_without_purpose_is_refused_and_not_logged(client, care):
    login_verified(client, care.users.care_staff)
    response = client.post(reverse("care:export"), {"purpose": ""})
    assert response.status_code == 200 and "text/csv" not in response["Content-Type"]
    assert not AuditLogEntry.objects.exists()


def test_reveal_shows_full_value_and_writes_the_audit_log(client, care):
    resident = care.residents["paired"]
    login_verified(client, care.users.care_staff)
    response = client.post(
        reverse("care:resident_reveal", args=[resident.pk]),
        {"field": "phone", "purpose": "电话回访核实情况"},
        REMOTE_ADDR="10.1.2.3",
    )
    assert PHONE in response.content.decode()
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.fields, entry.purpose, entry.ip_address, entry.actor) == (
        "reveal",
        "phone",
        "电话回访核实情况",
        "10.1.2.3",
        care.users.care_staff,
    )
    assert entry.subject_id == str(resident.pk) and PHONE not in entry.subject_label
    details = client.post(
        reverse("care:resident_reveal", args=[resident.pk]),
        {"field": "tag_details", "purpose": "核实残疾等级"},
    ).content.decode()
    assert "二级肢体残疾" in details


def test_reveal_needs_a_purpose_and_the_right(client, care):
    resident = care.residents["paired"]
    login_verified(client, care.users.care_staff)
    no_purpose = client.post(
        reverse("care:resident_reveal", args=[resident.pk]), {"field": "phone", "purpose": "看"}
    ).content.decode()
    assert PHONE not in no_purpose
    client.force_login(care.users.grid_worker)  # sees the person but may not reveal
    denied = client.post(
        reverse("care:resident_reveal", args=[resident.pk]),
        {"field": "phone", "purpose": "电话回访核实情况"},
    ).content.decode()
    assert PHONE not in denied
    assert not AuditLogEntry.objects.exists()


def test_audit_entries_cannot_be_altered_or_deleted(client, care):
    login_verified(client, care.users.care_staff)
    client.post(
        reverse("care:resident_reveal", args=[care.residents["paired"].pk]),
        {"field": "id_number", "purpose": "核对身份信息"},
    )
    entry = AuditLogEntry.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).update(purpose="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).delete()
    assert AuditLogEntry.objects.get().purpose == "核对身份信息"
    client.force_login(care.users.district_admin)
    change = client.post(
        reverse("admin:privacy_auditlogentry_change", args=[entry.pk]), {"purpose": "x"}
    )
    assert change.status_code in (403, 302) or AuditLogEntry.objects.get().purpose == "核对身份信息"


def test_sensitive_columns_are_encrypted_at_rest(care):
    resident = care.residents["paired"]
    tag = ResidentTag.objects.get(resident=resident)
    visit = visit_record(
        household=resident.household,
        visitor=care.users.grid_worker,
        visited_on=datetime.date(2025, 3, 1),
        mode="in_person",
        condition="情绪稳定，按时服药",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM care_resident WHERE id = %s", [resident.pk])
        phone, id_number = cursor.fetchone()
        cursor.execute("SELECT details FROM care_residenttag WHERE id = %s", [tag.pk])
        (details,) = cursor.fetchone()
        cursor.execute("SELECT condition FROM care_visit WHERE id = %s", [visit.pk])
        (condition,) = cursor.fetchone()
    assert phone and PHONE not in phone
    assert resident.id_number not in id_number and "0012" not in id_number
    assert "残疾" not in details and "服药" not in condition
    assert Resident.objects.get(pk=resident.pk).phone == PHONE


def test_subject_export_contains_everything_and_is_logged(client, care):
    resident = care.residents["paired"]
    visit_record(
        household=resident.household,
        visitor=care.users.grid_worker,
        visited_on=datetime.date(2025, 3, 1),
        mode="phone",
        met="本人",
        needs=["需要助餐服务"],
    )
    login_verified(client, care.users.care_staff)
    response = client.post(
        reverse("care:resident_export", args=[resident.pk]), {"purpose": "本人申请查阅个人信息"}
    )
    data = json.loads(response.content)
    assert data["resident"]["phone"] == PHONE and data["care_tags"][0]["details"] == "二级肢体残疾"
    assert data["visits"][0]["needs"] == ["需要助餐服务"]
    assert AuditLogEntry.objects.get().action == "subject_export"


def test_correction_is_validated_and_logged(client, care):
    resident = care.residents["paired"]
    client.force_login(care.users.grid_worker)
    url = reverse("care:resident_correct", args=[resident.pk])
    form = {
        "name": resident.name,
        "gender": "female",
        "birth_date": "1940-05-06",
        "phone": "",
        "id_number": "110101194001010013",
        "legal_basis": "statutory_duty",
        "consent_date": "",
        "consent_scope": "",
        "purpose": "本人来电更正",
    }
    bad = client.post(url, form)
    assert bad.status_code == 200 and "field-error" in bad.content.decode()
    resident.refresh_from_db()
    assert resident.id_number == "110101194001010012"
    form["id_number"] = ""
    form["phone"] = "13711112222"
    client.post(url, form)
    resident.refresh_from_db()
    assert resident.phone == "13711112222" and resident.id_number == "110101194001010012"
    entry = AuditLogEntry.objects.get()
    assert entry.action == "correct" and entry.fields == "phone"


def test_anonymising_keeps_counts_and_drops_identity(care):
    resident = care.residents["paired"]
    household = resident.household
    for day in (1, 2, 3):
        visit_record(
            household=household,
            visitor=care.users.grid_worker,
            visited_on=datetime.date(2025, 3, day),
            mode="in_person",
            met="本人",
            condition="血压偏高",
            needs=["需要上门体检"],
        )
    staff = care.users.care_staff
    staff.is_verified = lambda: True  # a sign-in confirmed with the second factor
    resident_anonymise(resident=resident, by=staff, purpose="本人申请删除")
    resident.refresh_from_db()
    household.refresh_from_db()
    assert resident.name == "已匿名" and resident.phone == "" and resident.id_number == ""
    assert household.address == "" and household.anonymised_at is not None
    assert Visit.objects.filter(household=household).count() == 3
    assert set(Visit.objects.filter(household=household).values_list("condition", "met")) == {
        ("", "")
    }
    assert ResidentTag.objects.filter(resident=resident).count() == 1
    assert ResidentTag.objects.get(resident=resident).details == ""
    assert AuditLogEntry.objects.get().action == "anonymise"


@override_settings(REDGRID_CARE_RETENTION_DAYS=30)
def test_retention_anonymises_closed_pairings_only_after_the_period(care):
    pairing = care.households["other"].pairings.get()
    pairing.end_date, pairing.end_reason = datetime.date(2025, 3, 1), "服务对象迁出"
    pairing.save()
    assert pairings_anonymise_expired(today=datetime.date(2025, 3, 20)) == 0
    assert pairings_anonymise_expired(today=datetime.date(2025, 4, 2)) == 1
    assert Household.objects.get(pk=care.households["other"].pk).anonymised_at is not None
    assert Household.objects.filter(anonymised_at__isnull=True).count() == 2  # paired, unpaired
    assert anonymise_expired_pairings.delay().get() == 0  # the task; nothing left to do
