"""The audit entries' actor, client address and port (accounts.middleware.AuditActorMiddleware,
accounts.middleware.audit_entry_fill): what django-auditlog's own middleware gave them, without its
signal receiver connected and disconnected on every request."""

import pytest
from auditlog.models import LogEntry
from django.db.models.signals import pre_save

from accounts.models import Role

pytestmark = pytest.mark.django_db


def _change_role(client, world, **extra):
    worker = world.users.grid_worker
    client.force_login(world.users.community_staff)
    response = client.post(
        f"/accounts/people/{worker.pk}/",
        {"role": Role.GRID_WORKER, "node": f"grid:{world.grids['A1b'].pk}", "care_role": "on"},
        **extra,
    )
    assert response.status_code in (200, 302)
    return LogEntry.objects.get_for_object(worker).latest("timestamp")


def test_an_entry_written_in_a_request_names_the_person_and_their_address(client, world):
    entry = _change_role(client, world, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PORT="4431")
    assert entry.actor == world.users.community_staff
    assert entry.actor_email == world.users.community_staff.email
    assert (entry.remote_addr, entry.remote_port) == ("203.0.113.7", 4431)


def test_the_address_is_not_taken_from_a_header_anyone_can_send(client, world, settings):
    settings.REDGRID_BEHIND_PROXY, settings.REDGRID_PROXY_HOPS = False, 0
    entry = _change_role(client, world, REMOTE_ADDR="203.0.113.8", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert entry.remote_addr == "203.0.113.8"


def test_no_receiver_is_connected_per_request(client, world, monkeypatch):
    connected = []
    original = pre_save.connect
    monkeypatch.setattr(
        pre_save, "connect", lambda *a, **k: connected.append(k) or original(*a, **k)
    )
    for path in ("/requests/new/", "/positions/", "/accounts/login/"):
        client.get(path)
    client.force_login(world.users.street_staff)
    client.get("/dashboard/")
    assert connected == []


def test_an_entry_written_outside_a_request_has_no_actor(world):
    worker = world.users.grid_worker
    worker.care_role = not worker.care_role
    worker.save()
    entry = LogEntry.objects.get_for_object(worker).latest("timestamp")
    assert (entry.actor, entry.remote_addr) == (None, None)
