import io

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from privacy import crypto
from privacy.identity import id_number_problem, id_number_with_check_digit
from privacy.masking import mask_free_text, mask_id_number, mask_phone
from privacy.models import AuditLogEntry
from privacy.services import audit_record, personal_data_reveal


def test_phone_and_id_numbers_are_masked_as_the_rules_say():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_id_number("44031119900101123X") == "440311********123X"
    assert mask_free_text("call 13812341234 id 44031119900101123X") == (
        "call 138****1234 id 440311********123X"
    )


def test_id_numbers_are_checked_with_the_gb11643_check_digit():
    valid = id_number_with_check_digit("44031119900101123")
    assert id_number_problem(valid) is None
    wrong_digit = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    assert "check digit" in id_number_problem(wrong_digit)
    assert "date of birth" in id_number_problem(id_number_with_check_digit("44031119901301123"))
    assert id_number_problem("12345") is not None


def test_encryption_round_trips_and_the_ciphertext_is_not_the_plaintext():
    token = crypto.encrypt("13812341234")
    assert "13812341234" not in token
    assert crypto.decrypt(token) == "13812341234"
    assert crypto.blind_index(" 44031119900101123x ") == crypto.blind_index("44031119900101123X")


def test_key_rotation_keeps_old_values_readable(settings):
    old_token = crypto.encrypt("secret")
    settings.REDGRID_FIELD_KEYS = [Fernet.generate_key().decode(), *settings.REDGRID_FIELD_KEYS]
    crypto._fernet.cache_clear()
    try:
        assert crypto.decrypt(old_token) == "secret"
        rotated = crypto.rotate(old_token)
        settings.REDGRID_FIELD_KEYS = settings.REDGRID_FIELD_KEYS[:1]
        crypto._fernet.cache_clear()
        assert crypto.decrypt(rotated) == "secret"
    finally:
        crypto._fernet.cache_clear()


@pytest.mark.django_db
def test_the_rotation_command_is_a_dry_run_unless_commit():
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "dry run" in out.getvalue()


@pytest.mark.django_db
def test_reveal_requires_the_right_and_a_purpose_and_is_logged(world):
    staff = world.users.community_staff
    with pytest.raises(PermissionDenied):
        personal_data_reveal(
            user=staff, subject=staff, field="phone", purpose="回访核实情况", subject_label="测*"
        )
    staff.may_reveal_personal_data = True
    staff.phone = "13812341234"
    with pytest.raises(PermissionDenied, match="验证器|authenticator"):
        # the right alone is not enough: the sign-in must be confirmed with a second factor
        personal_data_reveal(
            user=staff, subject=staff, field="phone", purpose="回访核实情况", subject_label="测*"
        )
    staff.is_verified = lambda: True  # what django-otp's middleware sets after the TOTP step
    with pytest.raises(ValidationError):
        personal_data_reveal(
            user=staff, subject=staff, field="phone", purpose="", subject_label="x"
        )
    value = personal_data_reveal(
        user=staff, subject=staff, field="phone", purpose="回访核实情况", subject_label="测*"
    )
    assert value == "13812341234"
    entry = AuditLogEntry.objects.get()
    assert (entry.action, entry.fields, entry.purpose) == ("reveal", "phone", "回访核实情况")


@pytest.mark.django_db
def test_the_audit_log_cannot_be_altered_or_deleted(world):
    entry = audit_record(actor=world.users.district_admin, action="export", purpose="月度核查导出")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).update(purpose="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM privacy_auditlogentry")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL redgrid.audit_maintenance = 'off'")
        cursor.execute("TRUNCATE privacy_auditlogentry")
    assert AuditLogEntry.objects.get(pk=entry.pk).purpose == "月度核查导出"
