"""Household addresses are encrypted at rest like phone numbers, with a blind index to find one.

Existing rows are encrypted in place with raw SQL (the historical model's field would try to
decrypt the plaintext it reads) and get their index. A value that is already a Fernet token
(encrypted by an earlier, interrupted run) is left as it is, so the migration can run again."""

from django.db import migrations, models

import privacy.crypto

FERNET_PREFIX = "gAAAAA"


def encrypt_addresses(apps, schema_editor):
    from privacy.crypto import encrypt, text_index

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, address FROM care_household WHERE address <> ''")
        rows = cursor.fetchall()
        cursor.executemany(
            "UPDATE care_household SET address = %s, address_index = %s WHERE id = %s",
            [
                (encrypt(address), text_index(address), pk)
                for pk, address in rows
                if not address.startswith(FERNET_PREFIX)
            ],
        )


def decrypt_addresses(apps, schema_editor):
    from privacy.crypto import decrypt

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, address FROM care_household WHERE address <> ''")
        rows = cursor.fetchall()
        cursor.executemany(
            "UPDATE care_household SET address = %s, address_index = '' WHERE id = %s",
            [
                (decrypt(address)[:200], pk)
                for pk, address in rows
                if address.startswith(FERNET_PREFIX)
            ],
        )


class Migration(migrations.Migration):
    dependencies = [("care", "0006_alter_visitphoto_image")]

    operations = [
        migrations.AlterModelOptions(
            name="household",
            options={
                "ordering": ["grid__code", "building", "id"],
                "verbose_name": "household",
                "verbose_name_plural": "households",
            },
        ),
        migrations.AddField(
            model_name="household",
            name="address_index",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name="household",
            name="address",
            field=privacy.crypto.EncryptedTextField(verbose_name="address"),
        ),
        migrations.RunPython(encrypt_addresses, decrypt_addresses),
    ]
