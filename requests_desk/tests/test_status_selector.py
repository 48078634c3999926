"""The status page's selector (two prepared statements, requests_desk.selectors.public_request)
reads what the ORM reads: the same public projection (requests_desk.public.public_case) for
every kind of request, the same reply photos, nothing of a pending photo or an internal reply."""

import pytest
from django.db.models import Prefetch

from requests_desk import flow, public, selectors
from requests_desk.models import Request, RequestEvent, Stage
from requests_desk.tests.test_flow import bring_to


def orm_reference(code):
    """The request as the ORM loaded it for the status page before issue 17's second pass."""
    item = (
        Request.objects.select_related("category__parent", "community", "rating")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=RequestEvent.objects.filter(public=True).order_by("created_at", "id"),
                to_attr="public_events",
            )
        )
        .get(code=code)
    )
    listed = public.is_listed(item)
    for event in item.public_events:
        photos = event.photos.order_by("created_at", "id") if listed else []
        event.public_photo_urls = tuple(photo.image.url for photo in photos)
    return item


def same(code):
    lean, reference = selectors.public_request(code), orm_reference(code)
    assert public.public_case(lean, agency=False) == public.public_case(reference, agency=False)
    for name in ("pk", "stage", "support_count", "merged_into_id", "reporter_proof", "location"):
        assert getattr(lean, name) == getattr(reference, name), name
    lean_rating = getattr(lean, "rating", None) if hasattr(lean, "rating") else None
    reference_rating = reference.rating if hasattr(reference, "rating") else None
    assert (lean_rating and lean_rating.overall) == (reference_rating and reference_rating.overall)
    return lean


@pytest.mark.parametrize("source", [Request.Source.RESIDENT_FORM, Request.Source.GRID_PATROL])
def test_an_open_request_reads_as_the_orm_reads_it(world, make_request, source):
    item = bring_to(make_request(source=source), Stage.DISPATCHED, world.users.district_admin)
    flow.transition(
        case=item,
        action="reply",
        by=world.users.grid_head,
        note="已到现场 13812345678",
        public=True,
    )
    lean = same(item.code)
    assert [e.to_stage for e in lean.public_events][-1] == Stage.DISPATCHED


def test_a_rated_closed_request_reads_as_the_orm_reads_it(world, make_request):
    item = bring_to(
        make_request(source=Request.Source.RESIDENT_FORM), Stage.CLOSED, world.users.district_admin
    )
    scores = {"speed": 5, "result": 4, "service": 4, "feedback_quality": 3}
    flow.transition(case=item, action="rate", by=None, comment="好", **scores)
    lean = same(item.code)
    assert lean.rating.overall == item.rating.overall


def test_a_cancelled_and_a_merged_request_read_as_the_orm_reads_them(world, make_request):
    cancelled = make_request(source=Request.Source.RESIDENT_FORM)
    flow.transition(case=cancelled, action="cancel", by=world.users.grid_head, reason="不在辖区")
    same(cancelled.code)
    main = make_request()
    copy = make_request(description="同一处又报了一次", location=(113.826, 22.751))
    flow.transition(case=copy, action="merge", by=world.users.grid_head, into=main.code)
    lean = same(copy.code)
    assert lean.merged_into == main


def test_a_request_without_a_point_or_a_rating(world, make_request):
    item = make_request(source=Request.Source.RESIDENT_FORM)
    Request.objects.filter(pk=item.pk).update(location=None)
    lean = same(item.code)
    assert lean.location is None
    with pytest.raises(Request.rating.RelatedObjectDoesNotExist):
        lean.rating  # noqa: B018 - the status page asks exactly this


@pytest.mark.parametrize("listed", [True, False])
def test_reply_photos_public_ones_only_and_never_a_pending_one(
    world, make_request, listed, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from requests_desk.models import RequestPhoto
    from requests_desk.tests.conftest import jpeg_bytes
    from requests_desk.uploads import photos_save

    settings.MEDIA_ROOT = tmp_path
    source = Request.Source.RESIDENT_FORM if listed else Request.Source.GRID_PATROL
    item = bring_to(make_request(source=source), Stage.DISPATCHED, world.users.district_admin)
    flow.transition(case=item, action="reply", by=world.users.grid_head, note="现场", public=True)
    reply = item.events.get(action="reply")
    for _ in range(2):
        photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
        photos_save(case=item, files=[photo], event=reply)
    first, second = RequestPhoto.objects.filter(event=reply).order_by("created_at", "id")
    RequestPhoto.all_objects.filter(pk=second.pk).update(pending=True)
    lean = same(item.code)
    urls = next(e for e in lean.public_events if e.pk == reply.pk).public_photo_urls
    assert urls == ((first.image.url,) if listed else ())


def test_an_unknown_code_is_none(db):
    assert selectors.public_request("NOSUCHCODE") is None
