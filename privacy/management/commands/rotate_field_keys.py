"""Re-encrypt every EncryptedTextField value with the first key of REDGRID_FIELD_KEYS.

Rotation: put the new key first in REDGRID_FIELD_KEYS (keep the old ones after it), restart, run
this command with --commit, then remove the old keys. Dry run by default.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from privacy.crypto import EncryptedTextField, rotate


class Command(BaseCommand):
    help = "Re-encrypt sensitive fields with the current (first) field key."

    def add_arguments(self, parser):
        parser.add_argument("--commit", action="store_true")
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, commit, batch, **options):
        total = 0
        for model in apps.get_models():
            fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            for field in fields:
                column = connection.ops.quote_name(field.column)
                count = 0
                # Raw SQL on purpose: the ciphertext is rotated without ever decrypting into Python
                # objects that could be logged.
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")
                    rows = cursor.fetchall()
                for start in range(0, len(rows), batch):
                    chunk = rows[start : start + batch]
                    if commit:
                        with transaction.atomic(), connection.cursor() as cursor:
                            cursor.executemany(
                                f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",
                                [(rotate(value), key) for key, value in chunk if value],
                            )
                    count += len(chunk)
                total += count
                self.stdout.write(f"{model._meta.label}.{field.name}: {count}")
        verb = "re-encrypted" if commit else "would re-encrypt (dry run; use --commit)"
        self.stdout.write(self.style.SUCCESS(f"{total} values {verb}."))
