"""Room bookings: no double booking (also under a race, enforced by the database), opening hours,
jurisdiction-scoped writes, the weekly calendar page."""

import datetime
import threading

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from core.periods import time_zone
from service_points.models import Booking
from service_points.services import booking_cancel, booking_create

TZ = time_zone()

NOW = datetime.datetime(2024, 6, 3, 9, 0, tzinfo=TZ)  # a Monday


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def slot(day, h0, m0, h1, m1):
    d = datetime.date(2024, 6, day)
    return (
        datetime.datetime.combine(d, datetime.time(h0, m0), TZ),
        datetime.datetime.combine(d, datetime.time(h1, m1), TZ),
    )


def book(room, by, period, title="支部主题党日"):
    return booking_create(
        room=room,
        starts_at=period[0],
        ends_at=period[1],
        purpose="branch_meeting",
        title=title,
        by=by,
    )


def test_a_grid_head_books_a_free_slot(world, positions):
    booking = book(positions.hall, world.users.grid_head, slot(4, 14, 0, 16, 0))
    assert booking.status == Booking.Status.CONFIRMED


def test_an_overlapping_booking_is_refused_with_the_clash_named(world, positions):
    book(positions.hall, world.users.grid_head, slot(4, 14, 0, 16, 0), title="党员大会")
    with pytest.raises(ValidationError) as exc:
        book(positions.hall, world.users.community_staff, slot(4, 15, 30, 17, 0))
    assert "党员大会" in exc.value.messages[0]
    assert Booking.objects.count() == 1
    # touching end to start is fine, and a cancelled booking frees its slot
    book(positions.hall, world.users.community_staff, slot(4, 16, 0, 17, 0))
    booking_cancel(booking=Booking.objects.get(title="党员大会"), by=world.users.grid_head)
    book(positions.hall, world.users.grid_head, slot(4, 14, 0, 15, 0))


def test_the_database_itself_refuses_overlaps(world, positions):
    book(positions.hall, world.users.grid_head, slot(4, 14, 0, 16, 0))
    start, end = slot(4, 15, 0, 17, 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            room=positions.hall,
            starts_at=start,
            ends_at=end,
            purpose="activity",
            title="x",
            booked_by=world.users.grid_head,
        )


@pytest.mark.parametrize(
    ("period", "field"),
    [
        (slot(4, 7, 0, 9, 0), "starts_at"),  # opens at 08:30
        (slot(4, 20, 0, 22, 0), "starts_at"),  # closes at 21:00
        (slot(3, 7, 0, 8, 0), "starts_at"),  # in the past
        (slot(4, 12, 0, 11, 0), "ends_at"),  # end before start
    ],
)
def test_bookings_outside_opening_hours_or_in_the_past_are_refused(world, positions, period, field):
    with pytest.raises(ValidationError) as exc:
        book(positions.hall, world.users.grid_head, period)
    assert field in exc.value.message_dict
    assert not Booking.objects.exists()


def test_a_holiday_closure_refuses_bookings_that_day(world, positions):
    from service_points.models import OpeningException

    OpeningException.objects.create(
        position=positions.grid_a, date=datetime.date(2024, 6, 10), is_closed=True, note="端午节"
    )
    with pytest.raises(ValidationError) as exc:
        book(positions.hall, world.users.grid_head, slot(10, 10, 0, 11, 0))
    assert "开放时间" in exc.value.messages[0]


def test_grid_workers_and_members_cannot_book(world, positions):
    for user in (world.users.grid_worker, world.users.party_member):
        with pytest.raises(PermissionDenied):
            book(positions.hall, user, slot(4, 10, 0, 11, 0))


def test_a_room_outside_the_jurisdiction_cannot_be_booked(world, positions):
    # grid head of A1b and street staff of B may not book A1a's hall
    for user in (world.users.other_grid_head, world.users.other_street_staff):
        with pytest.raises(PermissionDenied):
            book(positions.hall, user, slot(4, 10, 0, 11, 0))
    # the community centre of B1 is outside street A
    with pytest.raises(PermissionDenied):
        book(positions.other_hall, world.users.street_staff, slot(4, 10, 0, 11, 0))


def test_the_weekly_calendar_shows_bookings_and_books_a_slot(client, world, positions):
    book(positions.hall, world.users.grid_head, slot(5, 9, 0, 10, 0), title="网格议事会")
    client.force_login(world.users.grid_head)
    url = f"/positions/rooms/{positions.hall.pk}/?week=2024-06-05"
    response = client.get(url)
    assert response.status_code == 200
    assert "网格议事会" in response.content.decode()
    assert 'value="2024-06-05"' in response.content.decode()  # the booking form starts on that day
    response = client.post(
        url,
        {
            "date": "2024-06-05",
            "start": "09:30",
            "end": "11:00",
            "purpose": "council_meeting",
            "title": "党群议事会",
        },
    )
    assert response.status_code == 400
    assert "网格议事会" in response.content.decode()  # the clash is named
    response = client.post(
        url,
        {
            "date": "2024-06-05",
            "start": "10:00",
            "end": "11:00",
            "purpose": "council_meeting",
            "title": "党群议事会",
        },
    )
    assert response.status_code == 302
    assert Booking.objects.filter(title="党群议事会", booked_by=world.users.grid_head).exists()


def test_the_calendar_of_a_room_outside_the_jurisdiction_is_404(client, world, positions):
    client.force_login(world.users.other_grid_head)
    assert client.get(f"/positions/rooms/{positions.hall.pk}/").status_code == 404
    assert (
        client.post(
            f"/positions/rooms/{positions.hall.pk}/",
            {
                "date": "2024-06-05",
                "start": "10:00",
                "end": "11:00",
                "purpose": "activity",
                "title": "x",
            },
        ).status_code
        == 404
    )
    assert not Booking.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the race is about PostgreSQL's concurrent writers"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_requests_for_one_slot_exactly_one_wins(world, positions):
    users = [
        world.users.grid_head,
        world.users.community_staff,
        world.users.street_staff,
        world.users.district_admin,
    ]
    barrier = threading.Barrier(len(users))
    outcomes = []

    def attempt(user, minutes):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            start, end = slot(4, 14, minutes, 15, 30)
            booking_create(
                room=positions.hall,
                starts_at=start,
                ends_at=end,
                purpose="activity",
                title=f"{user.username}",
                by=user,
            )
            outcomes.append("won")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt, args=(u, i * 5)) for i, u in enumerate(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == len(users)  # every request answered: none ended in an error
    assert outcomes.count("won") == 1
    assert all("已被预订" in o for o in outcomes if o != "won")
    assert Booking.objects.count() == 1


class _Deadlock(Exception):
    sqlstate = "40P01"


def _failing_save(error, times):
    """Booking.save raising Django's OperationalError over `error` the first `times` calls."""
    from django.db import OperationalError

    original = Booking.save
    calls = []

    def save(self, *args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("cancelled") from error
        return original(self, *args, **kwargs)

    return save, calls


def test_a_booking_cancelled_as_a_deadlock_is_tried_again(world, positions, monkeypatch):
    # What PostgreSQL does to one of three or more requests for overlapping times.
    save, calls = _failing_save(_Deadlock(), times=1)
    monkeypatch.setattr(Booking, "save", save)
    booking = book(positions.hall, world.users.grid_head, slot(5, 9, 0, 10, 0))
    assert len(calls) == 2 and Booking.objects.filter(pk=booking.pk).exists()


def test_any_other_database_error_is_not_tried_again(world, positions, monkeypatch):
    from django.db import OperationalError

    save, calls = _failing_save(RuntimeError("connection lost"), times=1)
    monkeypatch.setattr(Booking, "save", save)
    with pytest.raises(OperationalError):
        book(positions.hall, world.users.grid_head, slot(5, 9, 0, 10, 0))
    assert len(calls) == 1 and not Booking.objects.exists()
