"""Pages of household pairing. Thin: every read goes through care.selectors (which applies the
access rule: invisible means 404) and every write through care.services."""

import csv
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from care import selectors, services
from care.conf import conf
from care.forms import (
    AddressRevealForm,
    HouseholdForm,
    PairingEndForm,
    PairingForm,
    PurposeForm,
    ReferralAdvanceForm,
    ReferralForm,
    ResidentCorrectForm,
    ResidentForm,
    RevealForm,
    VisitForm,
)
from care.models import Pairing, Resident
from care.requests_link import need_to_request, request_categories
from core.access import staff_required
from core.errors import error_text, form_add_errors
from core.texts import join_list
from privacy.masking import mask_address, mask_id_number, mask_phone
from privacy.models import AuditLogEntry
from privacy.services import (
    audit_record,
    may_reveal,
    personal_data_export_record,
    personal_data_reveal,
)


@login_required
def household_list(request):
    """My households: the ones paired with me (or my grid / community for heads and care staff),
    overdue visits first."""
    today = timezone.localdate()
    households = selectors.households_for_list(request.user, today=today)
    only_overdue = request.GET.get("overdue") == "1"
    if only_overdue:
        households = households.filter(overdue=True)
    page = Paginator(households, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": today,
        "only_overdue": only_overdue,
        "overdue_count": selectors.with_visit_schedule(
            selectors.households_visible_to(request.user, on=today), today=today
        )
        .filter(overdue=True, anonymised_at__isnull=True)
        .count(),
        "follow_ups": list(selectors.follow_ups_due(request.user)[:20]),
        "may_export": may_reveal(request.user) or request.user.care_role,
        "may_register": request.user.has_perm("care.add_household")
        and (
            request.user.role in ("grid_head", "grid_worker")
            or services.household_may_register_somewhere(request.user)
        ),
    }
    return render(request, "care/household_list.html", context)


@login_required
def household_detail(request, pk, *, revealed_address=None, reveal_form=None):
    household = selectors.household_for_user_or_404(request.user, pk)
    schedule = (
        selectors.with_visit_schedule(selectors.households_visible_to(request.user).filter(pk=pk))
        .values("frequency_days", "last_visit_on", "due_on", "overdue")
        .get()
    )
    residents = household.residents.filter(anonymised_at__isnull=True).prefetch_related("tags__tag")
    visits = household.visits.select_related("visitor").prefetch_related(
        "needs__request", "photos"
    )[:20]
    return render(
        request,
        "care/household_detail.html",
        {
            "household": household,
            "schedule": schedule,
            "residents": residents,
            "visits": visits,
            "pairing": selectors.active_pairing(household),
            "may_pair": services.pairing_may_manage(request.user, household),
            "categories": list(request_categories()),
            "end_form": PairingEndForm(),
            "may_reveal": may_reveal(request.user),
            "reveal_form": reveal_form or AddressRevealForm(),
            "revealed_address": revealed_address,
            "may_add_resident": request.user.has_perm("care.add_resident")
            and services.household_may_register(request.user, household.grid),
        },
    )


@login_required
def visit_create(request, pk):
    household = selectors.household_for_user_or_404(request.user, pk)
    follow_up_needs = list(
        selectors.follow_ups_due(request.user).filter(visit__household=household)
    )
    form = VisitForm(request.POST or None, request.FILES or None, follow_up_needs=follow_up_needs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        need = next((n for n in follow_up_needs if n.pk == data.get("follow_up_of")), None)
        try:
            services.visit_record(
                household=household,
                visitor=request.user,
                visited_on=data["visited_on"],
                mode=data["mode"],
                met=data["met"],
                condition=data["condition"],
                needs=data["needs"],
                photos=data["photos"],
                follow_up_of=need,
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("The visit has been recorded."))
            return redirect("care:household", pk=household.pk)
    return render(request, "care/visit_form.html", {"household": household, "form": form})


@login_required
def resident_detail(request, pk, *, reveal_form=None, revealed=None):
    resident = selectors.resident_for_user_or_404(request.user, pk)
    return render(
        request,
        "care/resident_detail.html",
        {
            "resident": resident,
            "household": resident.household,
            "tags": resident.tags.select_related("tag"),
            "phone_masked": mask_phone(resident.phone),
            "id_masked": mask_id_number(resident.id_number),
            "referrals": resident.referrals.select_related("project"),
            "reveal_form": reveal_form or RevealForm(),
            "revealed": revealed,
            "may_reveal": may_reveal(request.user),
            "purpose_form": PurposeForm(),
            "referral_form": ReferralForm(),
            "advance_form": ReferralAdvanceForm(),
        },
    )


@login_required
@require_POST
def resident_reveal(request, pk):
    resident = selectors.resident_for_user_or_404(request.user, pk)
    form = RevealForm(request.POST)
    revealed = None
    if form.is_valid():
        field = form.cleaned_data["field"]
        try:
            value = personal_data_reveal(
                user=request.user,
                subject=resident,
                field=field,
                purpose=form.cleaned_data["purpose"],
                subject_label=services.resident_label(resident),
                request=request,
            )
        except PermissionDenied as denied:
            form.add_error(None, str(denied) or _("Your role may not reveal personal data."))
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            revealed = {"label": dict(RevealForm.FIELDS)[field], "value": value or _("(none)")}
    return resident_detail(request, pk, reveal_form=form, revealed=revealed)


@login_required
def resident_correct(request, pk):
    resident = selectors.resident_for_user_or_404(request.user, pk)
    if resident.anonymised_at:
        raise Http404
    initial = {"phone": resident.phone, "id_number": resident.id_number}
    form = ResidentCorrectForm(request.POST or None, instance=resident, initial=initial)
    if request.method == "GET" and not may_reveal(request.user):
        # Without reveal rights the current values stay hidden: only new values can be entered.
        form.initial.update(phone="", id_number="")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {f: data[f] for f in services.CORRECTABLE}
        if not may_reveal(request.user):
            for secret in ("phone", "id_number"):
                if not changes[secret]:
                    changes.pop(secret)
        fresh = Resident.objects.get(pk=resident.pk)
        try:
            services.resident_correct(
                resident=fresh,
                by=request.user,
                purpose=data["purpose"],
                request=request,
                **{k: v for k, v in changes.items() if k in services.CORRECTABLE},
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("The correction has been saved and logged."))
            return redirect("care:resident", pk=resident.pk)
    return render(request, "care/resident_correct.html", {"resident": resident, "form": form})


@login_required
@require_POST
def resident_export(request, pk):
    """A data subject's access request: everything held about the person, as JSON (logged)."""
    resident = selectors.resident_for_user_or_404(request.user, pk)
    form = PurposeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("State the purpose of this access (at least %(n)s characters).") % {"n": 4}
        )
        return redirect("care:resident", pk=pk)
    try:
        data = services.resident_subject_export(
            resident=resident,
            by=request.user,
            purpose=form.cleaned_data["purpose"],
            request=request,
        )
    except (PermissionDenied, ValidationError) as error:
        messages.error(
            request,
            error_text(error) if isinstance(error, ValidationError) else str(error),
        )
        return redirect("care:resident", pk=pk)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="resident-{resident.pk}.json"'
    return response


@login_required
@require_POST
def resident_anonymise(request, pk):
    resident = selectors.resident_for_user_or_404(request.user, pk)
    form = PurposeForm(request.POST)
    if form.is_valid():
        try:
            services.resident_anonymise(
                resident=resident,
                by=request.user,
                purpose=form.cleaned_data["purpose"],
                request=request,
            )
        except PermissionDenied as denied:
            messages.error(request, str(denied))
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, _("The person's identity has been deleted; visit and tag counts are kept.")
            )
            return redirect("care:household", pk=resident.household_id)
    else:
        messages.error(
            request, _("State the purpose of this access (at least %(n)s characters).") % {"n": 4}
        )
    return redirect("care:resident", pk=pk)


@login_required
def pairing_create(request, pk):
    household = selectors.household_for_user_or_404(request.user, pk)
    if not services.pairing_may_manage(request.user, household):
        raise Http404
    form = PairingForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_create(
                household=household,
                worker=form.cleaned_data["worker"],
                members=form.cleaned_data["members"],
                start_date=form.cleaned_data["start_date"],
                by=request.user,
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("The household has been paired."))
            return redirect("care:household", pk=household.pk)
    return render(request, "care/pairing_form.html", {"household": household, "form": form})


@login_required
@require_POST
def pairing_end(request, pk):
    pairing = get_object_or_404(
        Pairing.objects.filter(
            household__in=selectors.households_visible_to(request.user).values("pk")
        ).select_related("household"),
        pk=pk,
    )
    if not services.pairing_may_manage(request.user, pairing.household):
        raise Http404
    form = PairingEndForm(request.POST)
    if form.is_valid():
        try:
            services.pairing_end(pairing=pairing, reason=form.cleaned_data["end_reason"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The pairing has ended."))
    else:
        messages.error(request, _("Give the reason for ending the pairing."))
    return redirect("care:household", pk=pairing.household_id)


@login_required
def unpaired_list(request):
    """The grid head's to-do list: households with vulnerable residents and no active pairing."""
    households = selectors.unpaired_households(request.user)
    page = Paginator(households, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "care/unpaired_list.html", {"page": page})


@login_required
@require_POST
def referral_create(request, pk):
    resident = selectors.resident_for_user_or_404(request.user, pk)
    form = ReferralForm(request.POST)
    if form.is_valid():
        try:
            services.referral_create(
                resident=resident,
                project=form.cleaned_data["project"],
                by=request.user,
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The referral has been made."))
    else:
        messages.error(request, _("Choose a service project."))
    return redirect("care:resident", pk=pk)


@login_required
@require_POST
def referral_advance(request, pk):
    referral = get_object_or_404(selectors.referrals_visible_to(request.user), pk=pk)
    form = ReferralAdvanceForm(request.POST)
    if form.is_valid():
        try:
            services.referral_advance(referral=referral, status=form.cleaned_data["status"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The referral has been updated."))
    return redirect("care:resident", pk=referral.resident_id)


@login_required
def resident_export_list(request):
    """Export the residents the user can see as CSV — masked, with a stated purpose, logged."""
    form = PurposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        residents = (
            selectors.residents_visible_to(request.user)
            .filter(anonymised_at__isnull=True)
            .select_related("household__grid")
            .prefetch_related("tags__tag")
            .order_by("household__grid__code", "household_id", "id")
        )
        with transaction.atomic():
            count = residents.count()
            personal_data_export_record(
                user=request.user,
                model=Resident,
                purpose=form.cleaned_data["purpose"],
                record_count=count,
                request=request,
            )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="residents-{stamp}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(
            [
                _("area grid"),
                _("building"),
                _("address"),
                _("name"),
                _("gender"),
                _("phone"),
                _("ID number"),
                _("care tags"),
                _("legal basis"),
            ]
        )
        for resident in residents.iterator(chunk_size=500):
            household = resident.household
            writer.writerow(
                [
                    household.grid.name,
                    household.building,
                    mask_address(household.address),
                    resident.name,
                    resident.get_gender_display(),
                    mask_phone(resident.phone),
                    mask_id_number(resident.id_number),
                    join_list(t.tag.label for t in resident.tags.all()),
                    resident.get_legal_basis_display(),
                ]
            )
        return response
    return render(request, "care/export_form.html", {"form": form})


@login_required
def household_print(request, pk):
    """A printable visit sheet for one household (masked), logged as a print."""
    household = selectors.household_for_user_or_404(request.user, pk)
    form = PurposeForm(request.GET or None)
    if not form.is_valid():
        return render(request, "care/print_form.html", {"household": household, "form": form})
    audit_record(
        actor=request.user,
        action=AuditLogEntry.Action.PRINT,
        purpose=form.cleaned_data["purpose"],
        subject=household,
        subject_label=f"#{household.pk}",
        fields=_("masked"),
        request=request,
    )
    residents = household.residents.filter(anonymised_at__isnull=True).prefetch_related("tags__tag")
    rows = [
        {"resident": r, "phone": mask_phone(r.phone), "id_number": mask_id_number(r.id_number)}
        for r in residents
    ]
    return render(
        request,
        "care/household_print.html",
        {
            "household": household,
            "rows": rows,
            "visits": household.visits.select_related("visitor")[:10],
        },
    )


@login_required
@require_POST
def need_request(request, pk):
    """Turn a need raised on a visit into a request on the requests desk, in one step."""
    need = get_object_or_404(
        selectors.needs_visible_to(request.user).select_related("visit"), pk=pk
    )
    category = request_categories().filter(pk=request.POST.get("category") or 0).first()
    if category is None:
        messages.error(request, _("Choose the request category."))
    else:
        try:
            created = need_to_request(need=need, category=category, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("Request %(code)s has been filed from this need.") % {"code": created.code},
            )
    return redirect("care:household", pk=need.visit.household_id)


# --- Registering households and residents (outside the admin) ------------------------------------
@staff_required(permission="care.add_household")
def household_new(request):
    """Register a household: the map (tap or the phone's location) places it, `locate` finds its
    grid; grid heads and workers in their grid, community staff with the care role in theirs."""
    grids = selectors.grids_registrable_by(request.user)
    if not grids.exists():
        raise PermissionDenied
    form = HouseholdForm(request.POST or None, grids=grids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = services.household_register(
                by=request.user,
                address=data["address"],
                building=data["building"],
                grid=data["grid"],
                location=form.location,
                registered_on=data["registered_on"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(
                request, _("The household has been registered. Now add its residents.")
            )
            return redirect("care:resident_new", pk=household.pk)
    return render(
        request,
        "care/household_form.html",
        {
            "form": form,
            "map_i18n": {
                "tap": _("Tap the map where the household lives."),
                "chosen": _("Place chosen. Tap again to move it."),
                "locating": _("Finding your location…"),
                "noGeo": _("Your browser cannot share its location; tap the map."),
                "denied": _("Location was not shared; tap the map."),
                "inGrid": _("In area grid"),
                "outside": _("This point is outside the district."),
            },
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def resident_new(request, pk):
    """Add a resident, with care tags, to a household the user may register in."""
    household = selectors.household_for_user_or_404(request.user, pk)
    if not request.user.has_perm("care.add_resident") or not services.household_may_register(
        request.user, household.grid
    ):
        raise PermissionDenied
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.resident_add(
                household=household,
                by=request.user,
                name=data["name"],
                gender=data["gender"],
                birth_date=data["birth_date"],
                phone=data["phone"],
                id_number=data["id_number"],
                legal_basis=data["legal_basis"],
                consent_date=data["consent_date"],
                consent_scope=data["consent_scope"],
                tags=form.tags_with_details(),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, _("The resident has been added."))
            if "another" in request.POST:
                return redirect("care:resident_new", pk=household.pk)
            return redirect("care:household", pk=household.pk)
    return render(
        request,
        "care/resident_form.html",
        {"household": household, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def household_reveal(request, pk):
    """The full address, for a user who may reveal personal data, with a logged purpose."""
    household = selectors.household_for_user_or_404(request.user, pk)
    form = AddressRevealForm(request.POST)
    revealed = None
    if form.is_valid():
        try:
            revealed = personal_data_reveal(
                user=request.user,
                subject=household,
                field="address",
                purpose=form.cleaned_data["purpose"],
                subject_label=f"#{household.pk}",
                request=request,
            )
        except PermissionDenied as denied:
            messages.error(request, str(denied) or _("Your role may not reveal personal data."))
        except ValidationError as error:
            messages.error(request, error_text(error))
    else:
        messages.error(request, _("State the purpose of this access."))
    return household_detail(request, pk, revealed_address=revealed, reveal_form=form)
