"""Issue an Open311 API key to a client application; the key is printed alone on the last line
(only its hash is stored, so it cannot be shown again)."""

from django.core.management.base import BaseCommand, CommandError

from requests_desk.services import open311_client_create


class Command(BaseCommand):
    help = 'Issue an Open311 API key: manage.py open311_key "<client name>"'

    def add_arguments(self, parser):
        parser.add_argument("name", help="the client application's name")

    def handle(self, *args, name, **options):
        if not name.strip():
            raise CommandError("Give the client application's name.")
        client, key = open311_client_create(name=name)
        self.stdout.write(
            f"Open311 client “{client.name}” (id {client.pk}) created. Its key is "
            "shown once; store it now:"
        )
        self.stdout.write(key)
