"""Pages of the requests desk: the resident's form and status page (public), the staff queue and
case page (jurisdiction-scoped). Views parse, call a service or selector, and render."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from core import access, page_cache
from core.conf import conf as files_conf
from core.errors import form_add_errors
from core.files import authorised_file_response
from core.ratelimit import client_address
from core.uploads import photos_clean
from grids import gazetteer
from privacy.masking import mask_name, mask_phone
from privacy.services import may_reveal, personal_data_export_record, personal_data_reveal
from requests_desk import (
    flow,
    mine,
    pending,
    proof,
    public,
    queue_options,
    queue_rows,
    selectors,
    services,
    throttle,
)
from requests_desk.conf import conf
from requests_desk.exports import queue_xlsx
from requests_desk.forms import (
    QUEUE_FILTERS,
    ActionForm,
    BulkDispatchForm,
    MineCodeForm,
    MinePhoneForm,
    QueueExportForm,
    QueueFilterForm,
    RatingForm,
    ReportForm,
    RevealForm,
    StaffEntryForm,
    score_word,
)
from requests_desk.models import Rating, Request, Stage


def _client_ip(request) -> str:
    return client_address(request)


def _too_many(request):
    """429 with a translated page: the status page and code lookup are throttled per address."""
    return render(request, "requests_desk/too_many.html", status=429)


# A random id for the browser that submits, so that its own double submission is caught as a
# duplicate without keying on the network address (requests_desk.services.submitter_key).
DEVICE_COOKIE = "rg_device"
DEVICE_SECONDS = 400 * 24 * 3600


def _device_id(request) -> tuple[str, bool]:
    """The browser's device id, and whether it is new (the cookie is then set)."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if len(value) == 32 and value.isalnum():
        return value, False
    return secrets.token_hex(16), True


def _map_context():
    return {
        # Without tiles the map draws the communities' names and the known places instead.
        "reference_layer": None if settings.REDGRID_TILE_URL else gazetteer.reference_layer(),
        "map_i18n": {
            "placesUrl": reverse("api-places"),
            "hereUrl": reverse("api-places-here"),
            "searching": _("Searching…"),
            "noMatch": _("No known place matches."),
            "tapExact": _("Now tap the exact place on the map."),
            "failed": _("The search is not available now; tap the map or choose the community."),
            "tap": _("Tap the map where the problem is."),
            "chosen": _("Place chosen. Tap again to move it."),
            "locating": _("Finding your location…"),
            "noGeo": _(
                "Your browser cannot share its location; tap the map or choose the community."
            ),
            "denied": _("Location was not shared; tap the map or choose the community."),
        },
    }


# "Just created" on the status page: a short-lived signed cookie rather than a session, so that a
# resident's report writes no session row (one less write per submission, and nothing kept about
# the resident on the server beyond the request itself).
NEW_CODE_COOKIE = "rg_new_request"
NEW_CODE_SALT = "requests_desk.new_code"
NEW_CODE_SECONDS = 600


def _remember_new_request(response, request, created, device_id: str, new_device: bool):
    """The success page's cookie (code and secret, shown once), the reporter's proof cookie
    (requests_desk.proof) and the browser's device id."""
    secure = settings.SESSION_COOKIE_SECURE
    response.set_signed_cookie(
        NEW_CODE_COOKIE,
        f"{created.code}:{created.reporter_secret}",
        salt=NEW_CODE_SALT,
        max_age=NEW_CODE_SECONDS,
        secure=secure,
        httponly=True,
        samesite="Lax",
    )
    if created.reporter_secret:
        proof.cookie_remember(
            response, request, code=created.code, secret=created.reporter_secret, secure=secure
        )
    if device_id and new_device:
        _set_device_cookie(response, device_id)


def _set_device_cookie(response, device_id: str) -> None:
    response.set_cookie(
        DEVICE_COOKIE,
        device_id,
        max_age=DEVICE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _just_created(request, code: str) -> str | None:
    """The secret to show once on the success page, when this browser just sent `code`."""
    remembered = request.get_signed_cookie(
        NEW_CODE_COOKIE, default=None, salt=NEW_CODE_SALT, max_age=NEW_CODE_SECONDS
    )
    remembered_code, _sep, secret = (remembered or "").partition(":")
    return secret if remembered_code == code else None


def _upload_owner(request, device_id: str, created_by) -> str:
    """Whose pending photos these are (requests_desk.pending): the account entering a request
    for someone, else the resident's browser (its device cookie)."""
    if created_by is not None:
        return f"user:{created_by.pk}"
    return f"device:{device_id}"


# Refusals that are not about the resident's input: the throttle (requests_desk.throttle) and
# the storage (core.uploads.files_store on a full disk).
SYSTEM_REFUSALS = frozenset({"rate_ip", "rate_phone", "storage"})


def _error_codes(exc: ValidationError) -> set:
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


def _keep_photos(form, *, owner: str, already_kept: bool) -> int:
    """After an error of the form: keep the photos it carried (a browser cannot refill a file
    input), added to those already kept; return how many new ones were kept."""
    uploads = getattr(form, "cleaned_data", {}).get("photos") or []
    if already_kept or not uploads:
        return 0
    token = form.data.get("pending_photos", "")
    kept = pending.pending_photos_count(token, owner=owner)
    if not kept:
        token = ""
    if kept + len(uploads) > files_conf.MAX_PHOTOS:
        return 0  # "at most N photos in all": the resident chooses fewer
    try:
        cleaned = photos_clean(uploads)
    except ValidationError:
        return 0  # the photos' own error is shown; nothing to keep
    if not cleaned:
        return 0
    try:
        token = pending.pending_photos_store(photos=cleaned, owner=owner, token=token)
    except OSError:
        return 0  # the disk is full: the form says nothing is kept
    form.data = form.data.copy()
    form.data["pending_photos"] = token
    return len(cleaned)


# The form's fields that a place search (no JavaScript) shows again as typed.
_KEPT_ON_SEARCH = ("csrfmiddlewaretoken", "place_search", "photos")


def _place_search(request, form_class):
    """The resident pressed "Find" (the gazetteer without JavaScript): the form again, unbound
    (no errors yet), with what was typed and the places found as choices."""
    form = form_class(
        initial={k: v for k, v in request.POST.items() if k not in _KEPT_ON_SEARCH and k != "place"}
    )
    query = gazetteer.clean_query(request.POST.get("place_q"))
    if not query:
        return form, [], _("Type a name or an address to search for.")
    if not gazetteer.search_allowed(_client_ip(request)):
        return form, [], _("Too many place searches from your network. Please try again later.")
    found = gazetteer.places_search(query)
    return form, found, "" if found else _("No known place matches “%(q)s”.") % {"q": query}


def _place_here(data) -> str:
    """The sentence shown under the map for the place the form holds ("这里属于 …"), server-side
    for the form shown again (no JavaScript, or after an error)."""
    try:
        lon, lat = float(data.get("lon")), float(data.get("lat"))
    except (TypeError, ValueError):
        lon = lat = None
    if lon is not None and -180 <= lon <= 180 and -90 <= lat <= 90:
        return gazetteer.where_text(gazetteer.where((lon, lat)))
    place = gazetteer.place_get(data.get("place") or "")
    if place is None:
        return ""
    if place.kind == "community":
        return _("Staff of %(community)s will place it in its grid.") % {
            "community": place.community_name
        }
    return gazetteer.where_text(gazetteer.where((place.lon, place.lat)))


def _report(request, form_class, template, *, source, created_by=None):  # noqa: C901
    if request.method == "POST" and "place_search" in request.POST:
        form, found, search_message = _place_search(request, form_class)
        return render(
            request,
            template,
            {
                "form": form,
                "nearby": [],
                "place_results": found,
                "place_message": search_message,
                **_map_context(),
                "kept_photos": [],
                "max_photos": files_conf.MAX_PHOTOS,
            },
        )
    form = form_class(request.POST or None, request.FILES or None)
    nearby = []
    device_id, new_device = _device_id(request) if created_by is None else ("", False)
    owner = _upload_owner(request, device_id, created_by)
    kept_now = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token = data.get("pending_photos", "")
        try:
            if created_by is None:
                throttle.submission_allow(
                    ip=_client_ip(request), phone=data.get("reporter_phone", "")
                )
            # The photos kept from the previous showing of the form, then the new ones.
            photos = pending.pending_photos_with(
                token=token, owner=owner, uploads=data.get("photos")
            )
            if not data.get("confirm_new") and data["location"] is not None:
                nearby = list(
                    services.nearby_open(category=data["category"], location=data["location"])
                )
            if nearby and data.get("photos"):
                # Kept while the offer is shown: re-encoded now (the kept ones are previewed).
                new = len(data["photos"])
                try:
                    photos = photos[: len(photos) - new] + photos_clean(photos[-new:])
                except ValidationError as exc:
                    raise ValidationError({"photos": exc.messages}) from exc
            if not nearby:
                created = services.request_create(
                    source=data.get("source") or source,
                    category=data["category"],
                    description=data["description"],
                    location=data["location"],
                    community=data.get("community"),
                    address=data.get("address", ""),
                    address_id=data.get("address_id", ""),
                    reporter_name=data.get("reporter_name", ""),
                    reporter_phone=data.get("reporter_phone", ""),
                    reporter_email=data.get("reporter_email", ""),
                    device_id=device_id,
                    consent=data.get("consent"),
                    created_by=created_by,
                    photos=photos,
                )
        except services.DuplicateRequest as exc:
            # The earlier code only for the browser that holds its proof: the refusal must not
            # tell anyone else whether, and what, a phone number reported.
            if proof.cookie_proves(request, exc.earlier):
                form.add_error(
                    None,
                    _(
                        "You reported this a few minutes ago (tracking code %(code)s); no need "
                        "to send it again."
                    )
                    % {"code": exc.earlier.code},
                )
            else:
                form_add_errors(form, exc)
        except ValidationError as exc:
            form_add_errors(form, exc)
            # Refused by a limit or a full disk, not for what the resident typed: nothing more
            # is decoded or written for them (a throttled visitor costs the server nothing).
            kept_now = kept_now or bool(_error_codes(exc) & SYSTEM_REFUSALS)
        else:
            if not nearby:
                pending.pending_photos_discard(token, owner=owner)
                if created_by is not None:
                    messages.success(
                        request, _("Request %(code)s entered.") % {"code": created.code}
                    )
                    return redirect("requests_desk:case", code=created.code)
                response = redirect("requests_desk:status", code=created.code)
                _remember_new_request(response, request, created, device_id, new_device)
                return response
            # Shown again with the nearby requests: keep the photos (a browser cannot refill
            # a file input), referenced by a signed token in a hidden field.
            if data.get("photos"):
                token = pending.pending_photos_store(
                    photos=photos[len(photos) - len(data["photos"]) :], owner=owner, token=token
                )
            kept_now = True
            form = form_class(request.POST, initial={"confirm_new": True})
            form.data = form.data.copy()
            form.data["confirm_new"] = "on"
            form.data["pending_photos"] = token
    if request.method == "POST":
        # Any other error: the photos it carried wait for the next round, like the kept ones.
        _keep_photos(form, owner=owner, already_kept=kept_now)
    token = form["pending_photos"].value() or ""
    response = render(
        request,
        template,
        {
            "form": form,
            # What the offer may show of another resident's request: requests_desk.public.
            "nearby": [public.nearby_offer(other) for other in nearby]
            if created_by is None
            else nearby,
            **_map_context(),
            "place_here": _place_here(request.POST) if request.method == "POST" else "",
            "kept_photos": pending.pending_photos_urls(token, owner=owner),
            "max_photos": files_conf.MAX_PHOTOS,
            "photo_i18n": {
                "chosen": _("%(n)s photos chosen; they are sent with the form."),
                "room": _("You can add %(n)s more."),
                "full": _("That is the most photos a request can have."),
                "remove": _("Remove photo %(n)s"),
                "photo": _("Photo %(n)s you chose"),
            },
        },
    )
    if new_device and token:
        # The kept photos belong to this browser: its device id is their owner.
        _set_device_cookie(response, device_id)
    return response


def report_new(request):
    """The resident's form (public, no account)."""
    return _report(
        request, ReportForm, "requests_desk/report_form.html", source=Request.Source.RESIDENT_FORM
    )


def status_lookup(request):
    code = (request.GET.get("code") or "").strip().upper()
    if code and not throttle.status_allow(ip=_client_ip(request)):
        return _too_many(request)
    if code and selectors.public_request(code) is not None:
        return redirect("requests_desk:status", code=code)
    if code:
        throttle.status_missed(ip=_client_ip(request))
        messages.error(request, _("No request has that tracking code."))
    return render(request, "requests_desk/status_lookup.html", {"code": code})


def _own_view(item):
    """What the proved reporter sees of their own request (never anyone else): the description
    and address they gave, their photos and the "after" photos of the handling's feedback, each
    served by reporter_photo (which checks the proof again)."""

    def url(photo):
        return reverse(
            "requests_desk:reporter_photo",
            args=[item.code, photo.pk, photo.image.name.rsplit("/", 1)[-1]],
        )

    photos = selectors.reporter_photos(item)
    return {
        "description": item.description,
        "address": item.address,
        "photos": [url(p) for p in photos if p.event_id is None],
        "after": [url(p) for p in photos if p.event_id is not None],
    }


def reporter_photo(request, code, pk, name):
    """One photo of the reporter's own view (_own_view): the request's report photos and its
    feedback's photos, served only to the visitor who proved being its reporter; 404 for anyone
    else, as if it did not exist."""
    if not throttle.status_allow(ip=_client_ip(request)):
        return _too_many(request)
    item = selectors.public_request(code)
    if item is None or not proof.visitor_proves(request, item):
        raise Http404
    photo = selectors.reporter_photos(item).filter(pk=pk).first()
    if photo is None:
        raise Http404
    response = authorised_file_response(photo, name=name)
    response["Cache-Control"] = "private, no-store"
    return response


def _status_page(request, item, *, rating_form=None, status=200, extra=None):
    """The public status page: what requests_desk.public lets the public see of `item`, and the
    rating form for its reporter."""
    shown = item.merged_into if item.stage == Stage.MERGED and item.merged_into else item
    if shown is not item:
        shown = selectors.public_request(shown.code)
    case = public.public_case(shown, agency=False)
    secret = _just_created(request, item.code)
    try:
        rating = item.rating
    except Rating.DoesNotExist:
        rating = None
    steps = []
    reached = Stage.PUBLIC_STEPS.index(shown.stage) if shown.stage in Stage.PUBLIC_STEPS else -1
    for index, step in enumerate(Stage.PUBLIC_STEPS):
        steps.append({"label": step.label, "done": index <= reached, "current": index == reached})
    # The timeline's moments written here (ISO and "Y-m-d H:i" in the current time zone, as the
    # template's date filter writes them): the filter costs more than the rest of a row.
    timeline = []
    for event in case.events:
        local = timezone.localtime(event.at)
        timeline.append((event, local.isoformat(), local.strftime("%Y-%m-%d %H:%M")))
    proven = proof.visitor_proves(request, item)
    # The empty rating form's fields come rendered (RatingForm.unbound_fields_html); a bound one
    # (errors, the low rating to confirm) is rendered with the page.
    rating_fields_html = ""
    if rating_form is None and item.stage == Stage.CLOSED and rating is None:
        rating_fields_html = RatingForm.unbound_fields_html(needs_proof=not proven)
    response = render(
        request,
        "requests_desk/status.html",
        {
            "item": item,
            "case": case,
            "merged": shown is not item,
            "shown_code": shown.code,
            "steps": steps,
            "timeline": timeline,
            "just_created": secret is not None,
            "reporter_secret": secret,
            "rating": rating,
            "rating_word": score_word(rating.overall) if rating else "",
            "rating_form": rating_form,
            "rating_details": [rating_form[name] for name in RatingForm.DETAILS]
            if rating_form
            else [],
            "rating_fields_html": rating_fields_html,
            "send_back_below": conf.UNSATISFIED_BELOW,
            # The reporter's own words and photos: only for the proved reporter.
            "own": _own_view(item) if proven else None,
            **(extra or {}),
        },
        status=status,
    )
    if secret is not None:
        response.delete_cookie(NEW_CODE_COOKIE, samesite="Lax")
    return response


def status(request, code):
    """The public status page: stage, time limit, public replies — never personal data.

    What every anonymous visitor sees is rendered once per change of the request and then served
    from the cache (core.page_cache), keyed on selectors.public_status_mark; the reporter's own
    view (proof cookie, SMS-proved session, just sent) is always rendered. For such a visitor the
    mark is read first (one prepared index lookup), so that the address's limit and the stored
    page take one Redis round trip."""
    ip = _client_ip(request)
    code = (code or "").strip().upper()
    if not (
        conf.STATUS_PAGE_CACHE_SECONDS
        and page_cache.anonymous_plain_get(request)
        and NEW_CODE_COOKIE not in request.COOKIES
        and code not in proof.cookie_secrets(request)
    ):
        if not throttle.status_allow(ip=ip):
            return _too_many(request)
        return _status_rendered(request, code, ip=ip)
    mark = selectors.public_status_mark(code)
    if mark is None:
        if not throttle.status_allow(ip=ip):
            return _too_many(request)
        throttle.status_missed(ip=ip)
        raise Http404
    version = page_cache.page_version(
        f"rq-status-page:{code}", mark, seconds=conf.STATUS_PAGE_CACHE_SECONDS
    )
    allowed, stored = throttle.status_allow_and_get(ip=ip, key=version.key)
    if not allowed:
        return _too_many(request)
    answer = page_cache.cached_answer(request, version, stored=stored)
    if answer is not None:
        return answer
    return page_cache.page_keep(version, _status_rendered(request, code, ip=ip))


def _status_rendered(request, code, *, ip):
    item = selectors.public_request(code)
    if item is None:
        throttle.status_missed(ip=ip)
        raise Http404
    return _status_page(request, item)


@require_POST
def rate(request, code):
    """The reporter's rating. The tracking code only reads the status: rating (which can send
    the case back) needs the proof of being the reporter (requests_desk.proof) — the browser's
    cookie from the submission, the secret shown then, or the last four digits of the phone."""
    ip = _client_ip(request)
    if not throttle.status_allow(ip=ip):
        return _too_many(request)
    item = selectors.public_request(code)
    if item is None:
        raise Http404
    proven = proof.visitor_proves(request, item)
    form = RatingForm(request.POST, needs_proof=not proven)
    if not form.is_valid():
        return _status_page(request, item, rating_form=form, status=400)
    if not proven:
        if throttle.proof_blocked(code=item.code, ip=ip):
            return _too_many(request)
        if not proof.typed_proof_matches(item, form.cleaned_data["proof"]):
            throttle.proof_failed(code=item.code, ip=ip)
            form.add_error(
                "proof",
                _(
                    "That is not the key shown when the request was sent, nor the last four "
                    "digits of the phone left with it."
                ),
            )
            return _status_page(request, item, rating_form=form, status=403)
    if request.POST.get("change"):
        # From the confirmation step: back to the form, with the answers chosen.
        data = request.POST.copy()
        data["confirm_low"] = ""
        return _status_page(request, item, rating_form=RatingForm(data, needs_proof=not proven))
    if item.stage == Stage.CLOSED and form.sends_back() and not form.cleaned_data["confirm_low"]:
        # Without JavaScript the resident has not seen the warning yet: say what this rating
        # does, and let them send it or change it.
        scores = [form.scores()[name] for name in RatingForm.DETAILS]
        score = sum(scores) / len(scores)
        return _status_page(
            request,
            item,
            rating_form=form,
            extra={"confirm_low": True, "low_score": score, "low_word": score_word(score)},
        )
    try:
        flow.transition(case=item, action="rate", by=None, **form.scores())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if item.rating.satisfied:
            messages.success(request, _("Thank you for your rating."))
        else:
            messages.warning(
                request,
                _("Thank you. We are sorry: the request has been sent back to be handled again."),
            )
    return redirect("requests_desk:status", code=item.code)


def _mine_post(request, *, ip):
    """One step of “My requests” (requests_desk/mine.py): (redirect, phone form, code form,
    status)."""
    step = request.POST.get("step")
    phone_form, code_form = MinePhoneForm(), MineCodeForm()
    if step == "leave":
        mine.leave(request)
        messages.info(request, _("This browser no longer shows your requests."))
        return redirect("requests_desk:mine"), phone_form, code_form, 200
    if step == "phone":
        phone_form = MinePhoneForm(request.POST)
        if not phone_form.is_valid():
            return None, phone_form, code_form, 400
        try:
            mine.code_request(request, phone=phone_form.cleaned_data["phone"], ip=ip)
        except mine.TooMany as exc:
            phone_form.add_error(
                "phone",
                _("Too many codes were asked for. Please try again in %(minutes)s minutes.")
                % {"minutes": exc.minutes},
            )
            return None, phone_form, code_form, 429
        # The same answer whether the number reported anything or not.
        messages.info(
            request,
            _("If this number reported requests, a 6-digit code is on its way to it by SMS."),
        )
        return redirect("requests_desk:mine"), phone_form, code_form, 200
    code_form = MineCodeForm(request.POST)
    if not code_form.is_valid():
        return None, phone_form, code_form, 400
    result = mine.code_check(request, code=code_form.cleaned_data["code"])
    if result is None:
        messages.error(request, _("That code has ended. Ask for a new one."))
        return redirect("requests_desk:mine"), phone_form, code_form, 200
    if result is False:
        code_form.add_error("code", _("That code is not right."))
        return None, phone_form, code_form, 400
    return redirect("requests_desk:mine"), phone_form, code_form, 200


def my_requests(request):
    """“我的诉求”: a resident lists the requests of the phone they left, proved by an SMS code in
    this browser session (requests_desk/mine.py). No account."""
    status = 200
    phone_form, code_form = MinePhoneForm(), MineCodeForm()
    if request.method == "POST":
        done, phone_form, code_form, status = _mine_post(request, ip=_client_ip(request))
        if done is not None:
            return done
    index = proof.session_phone(request)
    items = list(selectors.mine_list(index)) if index else None
    waiting = (
        not index
        and mine.challenge(request) is not None
        and not request.GET.get("again")
        and not phone_form.errors
    )
    response = render(
        request,
        "requests_desk/mine.html",
        {
            "items": items,
            "waiting": waiting,
            "phone_form": phone_form,
            "code_form": code_form,
            "code_minutes": max(1, conf.MINE_CODE_SECONDS // 60),
        },
        status=status,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def support(request, token):
    """Another resident's "+1" from the nearby offer. The button carries a signed reference,
    not the request's tracking code (requests_desk.public)."""
    pk = public.support_target(token)
    item = Request.objects.filter(pk=pk).first() if pk is not None else None
    if item is None:
        raise Http404
    if services.request_support(case=item, client_ip=_client_ip(request)):
        messages.success(request, _("Thank you: your +1 was added to that request."))
    else:
        messages.info(request, _("Your +1 was already counted."))
    return redirect("requests_desk:new")


# --- Staff ------------------------------------------------------------------------------------------


# The staff gate (core.access) with the queue's permission.
staff_required = access.staff_required(permission="requests_desk.view_request")


@staff_required
def queue(request):
    """The jurisdiction-scoped queue: filters, sort, keyset pagination, bulk dispatch."""
    # The option lists (filters, bulk dispatch): one statement reads their marks (queue_options).
    options = queue_options.options_for(request.user)
    form = QueueFilterForm.for_page(
        request.GET or {"stage": "open"}, user=request.user, options=options
    )
    now = timezone.now()
    filters, sort = None, "new"
    if form.is_valid():
        filters, sort = form.filters(), form.cleaned_data["sort"] or "new"
    # The badges come from the same predicates as the filters, at the same `now`.
    page = selectors.queue_page_for(
        request.user,
        filters,
        sort=sort,
        cursor=request.GET.get("after", ""),
        now=now,
        names=options.names,
    )
    params = request.GET.copy()
    params.pop("after", None)
    next_url = None
    if page.next_cursor:
        params["after"] = page.next_cursor
        next_url = "?" + params.urlencode()
        params.pop("after")
    may_dispatch = flow.may(request.user, "dispatch")
    # How many filters differ from the default view (shown on the folded filters' button).
    filtering = sum(
        1
        for name in (*QUEUE_FILTERS, "sort")
        if request.GET.get(name) and not (name == "stage" and request.GET[name] == "open")
    )
    return render(
        request,
        "requests_desk/queue.html",
        {
            "filtering": filtering,
            "form": form,
            "page": page,
            "rows_html": mark_safe(queue_rows.rows_html(page.rows, pick=may_dispatch)),
            "next_url": next_url,
            "first_url": "?" + params.urlencode(),
            "bulk_form": BulkDispatchForm.for_page(options.departments) if may_dispatch else None,
            "open_stages": Stage.OPEN,
        },
    )


def _same_site(request, target: str | None) -> str:
    """`next=` only ever leads back into this site (no open redirect)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("requests_desk:queue")


@staff_required
def queue_export(request):
    """The queue's filtered list as .xlsx (the filters of the queue page's link): masked unless
    the user may reveal personal data and asks for it, logged with its purpose either way."""
    filters = QueueFilterForm(request.GET or {"stage": "open"}, user=request.user)
    form = QueueExportForm(request.POST or None)
    if not filters.is_valid():
        return render(
            request,
            "requests_desk/queue_export.html",
            {"filters": filters, "form": form},
            status=400,
        )
    cases = selectors.queue_export_rows(
        request.user, filters=filters.filters(), sort=filters.cleaned_data["sort"] or "new"
    )
    count = cases.count()
    if request.method == "POST" and form.is_valid():
        unmasked = form.cleaned_data["unmasked"]
        if count > conf.EXPORT_MAX_ROWS:
            form.add_error(
                None,
                _("%(n)s requests match; narrow the filters to at most %(max)s.")
                % {"n": count, "max": conf.EXPORT_MAX_ROWS},
            )
        else:
            try:
                with transaction.atomic():
                    personal_data_export_record(
                        user=request.user,
                        model=Request,
                        purpose=form.cleaned_data["purpose"],
                        record_count=count,
                        request=request,
                        unmasked=unmasked,
                    )
            except PermissionDenied as denied:
                form.add_error("unmasked", str(denied))
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                response = HttpResponse(
                    queue_xlsx(cases, unmasked=unmasked),
                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                )
                stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
                response["Content-Disposition"] = f'attachment; filename="requests-{stamp}.xlsx"'
                response["Cache-Control"] = "no-store"
                return response
    return render(
        request,
        "requests_desk/queue_export.html",
        {
            "filters": filters,
            "form": form,
            "count": count,
            "max_rows": conf.EXPORT_MAX_ROWS,
            "may_reveal": may_reveal(request.user),
            "query": request.GET.urlencode(),
        },
        status=400 if request.method == "POST" else 200,
    )


@staff_required
def case_sheet(request, code):
    """The printable case sheet (案件单): the case, its timeline and room for signatures;
    personal data masked."""
    item = selectors.case_for(request.user, code)
    return render(request, "requests_desk/case_sheet.html", _case_context(request, item))


@staff_required
@require_POST
def bulk_dispatch(request):
    form = BulkDispatchForm(request.POST)
    codes = request.POST.getlist("codes")[:200]
    if not form.is_valid() or not codes:
        messages.error(request, _("Choose requests and where to dispatch them."))
        return redirect(_same_site(request, request.POST.get("next")))
    items = list(
        selectors.requests_for(request.user)
        .filter(code__in=codes)
        .select_related("category", "community", "street")
    )
    done, refused = [], []
    for item in items:
        try:
            with transaction.atomic():
                flow.transition(
                    case=item, action="dispatch", by=request.user, **form.params_for(item)
                )
            done.append(item.code)
        except ValidationError as exc:
            refused.append(f"{item.code}: {' '.join(exc.messages)}")
    if done:
        messages.success(request, _("Dispatched %(n)s requests.") % {"n": len(done)})
    for line in refused:
        messages.error(request, line)
    return redirect(_same_site(request, request.POST.get("next")))


@staff_required
def staff_enter(request):
    """Staff enter a request for a caller (hotline 12345), from a patrol or a visit."""
    if not request.user.has_perm("requests_desk.add_request"):
        raise PermissionDenied
    return _report(
        request,
        StaffEntryForm,
        "requests_desk/staff_enter.html",
        source=Request.Source.HOTLINE,
        created_by=request.user,
    )


def _case_context(request, item, revealed=None):
    actions = flow.allowed_actions(item, request.user)
    return {
        "item": item,
        "actions": actions,
        "refusals": flow.refusals(item, request.user),
        "revealed": revealed or {},
        "reporter_name_masked": mask_name(item.reporter_name),
        "reporter_phone_masked": mask_phone(item.reporter_phone),
        "may_reveal": may_reveal(request.user) and bool(item.reporter_phone or item.reporter_name),
        "reveal_form": RevealForm(),
        "now": timezone.now(),
        "pin": {"lat": item.location.y, "lon": item.location.x} if item.location else None,
    }


@staff_required
def case(request, code):
    item = selectors.case_for(request.user, code)
    return render(request, "requests_desk/case.html", _case_context(request, item))


@staff_required
@require_POST
def reveal(request, code):
    item = selectors.case_for(request.user, code)
    form = RevealForm(request.POST)
    revealed = {}
    if form.is_valid():
        try:
            for field in ("reporter_name", "reporter_phone"):
                revealed[field] = personal_data_reveal(
                    user=request.user,
                    subject=item,
                    field=field,
                    purpose=form.cleaned_data["purpose"],
                    subject_label=item.code,
                    request=request,
                )
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            revealed = {}
    else:
        messages.error(request, _("State the purpose of this access."))
    return render(request, "requests_desk/case.html", _case_context(request, item, revealed))


# Where an action form was opened: the case page ("case") shows the whole case again after the
# action; elsewhere (a dashboard row) a short confirmation replaces the form.
ON_CASE = "case"


def _case_refreshed(request, code, *, message, level="success"):
    """The case page's body after an action (htmx): stage badge, buttons, timeline, as they are
    now, swapped in for the whole body with the outcome announced at its top."""
    item = selectors.case_for(request.user, code)
    context = _case_context(request, item)
    context["outcome"] = {"text": message, "level": level}
    response = render(request, "requests_desk/_case_body.html", context)
    return reswap(retarget(response, "#case-body"), "outerHTML")


@staff_required
def act(request, code, action):
    """One action's form: a full page, or a small fragment for htmx (hx-get / hx-post), so that
    dashboards can embed accept/dispatch inline. From the case page (on=case) a done action
    re-renders the case's body; without JavaScript it redirects to the case page."""
    item = selectors.case_for(request.user, code)
    if action not in flow.TRANSITIONS:
        raise Http404
    transition = flow.TRANSITIONS[action]
    on = (request.POST.get("on") or request.GET.get("on") or "")[:10]
    form = ActionForm(request.POST or None, request.FILES or None, action=action, case=item)
    # An action the stage or the role does not allow is refused with its reason (400), before
    # any form is read: the page shows the reason instead of a form.
    try:
        if request.method == "POST":
            flow.stale_check(item, action, request.POST.get("version") or None)
        flow.check(item, action, request.user)
    except ValidationError as exc:
        refusal = " ".join(exc.messages)
    else:
        refusal = None
    if refusal is not None and request.method == "POST" and request.htmx and on == ON_CASE:
        # Sent twice, or someone else acted first: show the case as it is now.
        return _case_refreshed(request, code, message=refusal, level="error")
    if refusal is None and request.method == "POST" and form.is_valid():
        try:
            flow.transition(
                case=item,
                action=action,
                by=request.user,
                version=form.cleaned_data["version"],
                **form.params(),
            )
        except ValidationError as exc:
            if request.htmx and on == ON_CASE and getattr(exc, "code", None) == "stale":
                # Sent twice, or someone else acted first: show the case as it is now.
                return _case_refreshed(request, code, message=" ".join(exc.messages), level="error")
            form_add_errors(form, exc)
        else:
            message = _("%(action)s: done.") % {"action": transition.label}
            if request.htmx and on == ON_CASE:
                return _case_refreshed(request, code, message=message)
            if request.htmx:
                item = selectors.case_for(request.user, code)
                return render(
                    request,
                    "requests_desk/fragments/action_done.html",
                    {"item": item, "message": message},
                )
            messages.success(request, message)
            return redirect("requests_desk:case", code=item.code)
    template = (
        "requests_desk/fragments/action_form.html" if request.htmx else "requests_desk/action.html"
    )
    refused = refusal is not None or (request.method == "POST" and bool(form.errors))
    return render(
        request,
        template,
        {"item": item, "form": form, "transition": transition, "refusal": refusal, "on": on},
        # htmx swaps only 2xx answers: a refused form comes back as 200 for it, 400 otherwise.
        status=400 if refused and not request.htmx else 200,
    )
