"""The rating as one question with five answers (stars and words), the aspects optional; an
unsatisfied rating is confirmed before it sends the request back (a page without JavaScript,
requests_desk/rating.js with it). Over HTTP, as the resident's phone does it."""

from django.urls import reverse

from requests_desk.models import Rating, Stage
from requests_desk.tests.test_status import _closed


def rate(client, item, **data):
    return client.post(reverse("requests_desk:rate", args=[item.code]), data)


def test_the_form_shows_five_answers_with_stars_and_words(client, world, make_request):
    item = _closed(world, make_request)
    page = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    for word in ("非常满意", "满意", "一般", "不满意", "非常不满意"):
        assert f'<span class="rq-star-word">{word}</span>' in page
    assert page.count('name="score"') == 5 and "★★★★★" in page
    assert 'data-send-back-below="3"' in page and "rating.js" in page


def test_one_answer_rates_every_aspect(client, world, make_request):
    item = _closed(world, make_request)
    response = rate(client, item, score=4, proof="5678")
    assert response.status_code == 302
    rating = Rating.objects.get()
    assert (rating.speed, rating.result, rating.service, rating.feedback_quality) == (4, 4, 4, 4)
    assert rating.satisfied
    page = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert "满意" in page and "4.00" in page


def test_a_low_answer_asks_first_and_sends_nothing(client, world, make_request):
    item = _closed(world, make_request)
    response = rate(client, item, score=2, comment="没解决", proof="5678")
    page = response.content.decode()
    assert response.status_code == 200 and "确定提交此评价吗" in page
    assert "退回重新办理" in page and 'name="confirm_low" value="on"' in page
    # The answers ride along in the confirmation form.
    assert 'name="score" value="2"' in page and 'name="proof" value="5678"' in page
    assert not Rating.objects.exists()
    item.refresh_from_db()
    assert item.stage == Stage.CLOSED
    # "Change my rating": back to the form, nothing sent.
    response = rate(client, item, score=2, comment="没解决", proof="5678", change="1")
    assert response.status_code == 200 and 'class="rq-rating"' in response.content.decode()
    assert not Rating.objects.exists()
    # Confirmed: sent back to be handled again.
    response = rate(client, item, score=2, comment="没解决", proof="5678", confirm_low="on")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.stage == Stage.DISPATCHED and not item.rating.satisfied


def test_the_confirmation_is_asked_on_the_average_like_the_flow(client, world, make_request):
    """A good overall answer with low aspects is unsatisfied too: the same rule as the flow."""
    item = _closed(world, make_request)
    response = rate(client, item, score=4, speed=1, result=1, service=1, proof="5678")
    assert "确定提交此评价吗" in response.content.decode()  # (1+1+1+4)/4 < 3
    response = rate(client, item, score=3, proof="5678")
    assert response.status_code == 302 and Rating.objects.get().satisfied


def test_a_second_rating_is_refused(client, world, make_request):
    item = _closed(world, make_request)
    rate(client, item, score=5, proof="5678")
    rate(client, item, score=1, proof="5678", confirm_low="on")
    assert Rating.objects.count() == 1
    item.refresh_from_db()
    assert item.stage == Stage.CLOSED and item.rating.overall == 5


def test_a_wrong_proof_is_refused_before_the_confirmation(client, world, make_request):
    item = _closed(world, make_request)
    response = rate(client, item, score=1, proof="0000")
    assert response.status_code == 403 and "确定提交此评价吗" not in response.content.decode()
    response = rate(client, item, score=1, proof="0000", confirm_low="on")
    assert response.status_code == 403 and not Rating.objects.exists()
