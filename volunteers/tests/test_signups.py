import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from party_branches.tests.factories import PartyMemberFactory
from volunteers import selectors, services
from volunteers.models import Activity, SignUp
from volunteers.tests.factories import ActivityFactory, RegistrationFactory


def _registered_members(world, n):
    members = []
    for _ in range(n):
        member = PartyMemberFactory(community=world.communities["A1"])
        RegistrationFactory(member=member, grid=world.grids["A1a"])
        members.append(member)
    return members


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_signups_never_exceed_capacity(world):
    """Twelve members press "sign up" at once for five places, each in its own connection."""
    activity = ActivityFactory(community=world.communities["A1"], capacity=5)
    members = _registered_members(world, 12)
    barrier = threading.Barrier(len(members))
    outcomes = []

    def attempt(member):
        try:
            barrier.wait()
            services.signup_create(activity=activity, member=member)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(m,)) for m in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 5
    assert outcomes.count("full") == 7
    assert SignUp.objects.filter(activity=activity, status=SignUp.Status.SIGNED_UP).count() == 5


def test_only_current_registered_members_of_the_community_sign_up(world, member):
    activity = ActivityFactory(community=world.communities["A1"])
    with pytest.raises(ValidationError, match="registered"):
        services.signup_create(activity=activity, member=member)
    RegistrationFactory(
        member=member,
        grid=world.grids["A1a"],
        confirmed_on=timezone.localdate() - datetime.timedelta(days=200),
    )
    with pytest.raises(ValidationError, match="registered"):  # expired
        services.signup_create(activity=activity, member=member)


def test_signup_twice_cancel_and_started(world, registered, member):
    activity = ActivityFactory(community=world.communities["A1"])
    signup = services.signup_create(activity=activity, member=member)
    with pytest.raises(ValidationError, match="already signed up"):
        services.signup_create(activity=activity, member=member)
    services.signup_cancel(signup=signup)
    services.signup_create(activity=activity, member=member)  # again after cancelling
    started = ActivityFactory(
        community=world.communities["A1"], starts_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    with pytest.raises(ValidationError, match="started"):
        services.signup_create(activity=started, member=member)


def test_check_in_out_rounds_hours_and_certification_credits_them(world, registered, member):
    activity = ActivityFactory(community=world.communities["A1"])
    signup = services.signup_create(activity=activity, member=member)
    start = activity.starts_at
    services.signup_check(signup=signup, method="staff", now=start)
    signup = services.signup_check(
        signup=signup, method="staff", now=start + datetime.timedelta(minutes=100)
    )
    assert signup.hours == Decimal("1.5")
    assert selectors.member_summary(member)["hours"] == 0  # not certified yet
    with pytest.raises(ValidationError, match="after the activity ends"):
        services.activity_certify(activity=activity, by=world.users.community_staff, now=start)
    assert (
        services.activity_certify(
            activity=activity,
            by=world.users.community_staff,
            now=activity.ends_at + datetime.timedelta(minutes=1),
        )
        == 1
    )
    summary = selectors.member_summary(member)
    assert summary["hours"] == Decimal("1.5") and summary["points"] == Decimal("15.0")
    assert Activity.objects.get(pk=activity.pk).status == Activity.Status.CERTIFIED
    hours = selectors.volunteer_hours(
        level="street",
        node_id=world.streets["A"].pk,
        start=timezone.localdate(start),
        end=timezone.localdate(start),
    )
    assert hours["hours"] == Decimal("1.5") and hours["members"] == 1
    day = timezone.localdate(start)
    before = day - datetime.timedelta(days=1)
    assert selectors.volunteer_hours_in_periods(
        level="street",
        node_id=world.streets["A"].pk,
        periods={"day": (day, day), "before": (before, before)},
    ) == {"day": Decimal("1.5"), "before": Decimal(0)}


def test_qr_check_in_with_the_activity_code(world, registered, member, client):
    activity = ActivityFactory(
        community=world.communities["A1"], starts_at=timezone.now() + datetime.timedelta(minutes=30)
    )
    services.signup_create(activity=activity, member=member)
    client.force_login(world.users.party_member)
    url = reverse("volunteers:qr_check", args=[activity.pk, activity.qr_token])
    assert client.get(url).status_code == 200
    client.post(url)
    signup = SignUp.objects.get(activity=activity, member=member)
    assert signup.checked_in_at is not None and signup.check_method == "qr"
    wrong = reverse(
        "volunteers:qr_check", args=[activity.pk, "00000000-0000-0000-0000-000000000000"]
    )
    assert client.get(wrong).status_code == 404
    far = ActivityFactory(
        community=world.communities["A1"], starts_at=timezone.now() + datetime.timedelta(days=3)
    )
    services.signup_create(activity=far, member=member)
    with pytest.raises(ValidationError) as refused:
        services.signup_check_by_qr(activity=far, token=str(far.qr_token), member=member)
    assert refused.value.code == "window"


def test_qr_code_images_are_served_to_staff_only(world, client):
    activity = ActivityFactory(community=world.communities["A1"])
    client.force_login(world.users.community_staff)
    png = client.get(reverse("volunteers:activity_qr", args=[activity.pk, "png"]))
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    svg = client.get(reverse("volunteers:activity_qr", args=[activity.pk, "svg"]))
    assert b"<svg" in svg.content
    client.force_login(world.users.other_street_staff)
    assert (
        client.get(reverse("volunteers:activity_qr", args=[activity.pk, "png"])).status_code == 404
    )


def test_member_page_signs_up_and_shows_hours(
    world, registered, member, client, django_assert_max_num_queries
):
    activity = ActivityFactory(community=world.communities["A1"], title="消防隐患排查")
    for _ in range(5):
        ActivityFactory(community=world.communities["A1"])
    client.force_login(world.users.party_member)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("volunteers:mine"))
    assert "消防隐患排查" in page.content.decode()
    client.post(reverse("volunteers:signup", args=[activity.pk]))
    assert SignUp.objects.filter(activity=activity, member=member).exists()
