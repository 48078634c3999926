from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import selectors, services
from notifications.forms import QuietHoursForm
from notifications.models import Notification
from notifications.registry import CHANNELS, KINDS


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox_for(request.user, unread_only=unread_only), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page, "inbox_messages": page.object_list, "unread_only": unread_only},
    )


@login_required
@require_POST
def mark_read(request, pk):
    try:
        message = services.inbox_mark_read(user=request.user, notification_id=pk)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    if request.htmx:
        return render(
            request,
            "notifications/_message.html",
            {
                "message": message,
                "oob_bell": True,
                "inbox_unread": selectors.unread_count(request.user),
            },
        )
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    count = services.inbox_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d messages marked read.") % {"count": count})
    return redirect("notifications:inbox")


@login_required
def preferences(request):
    preference, rows = selectors.preference_table(request.user)
    if request.method == "POST":
        form = QuietHoursForm(request.POST)
        channels = {}
        for name in KINDS:
            chosen = [c for c in request.POST.getlist(f"kind:{name}") if c in CHANNELS]
            channels[name] = chosen
        if form.is_valid():
            try:
                services.preference_update(
                    user=request.user, channels=channels, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your notification settings were saved."))
                return redirect("notifications:preferences")
    else:
        form = QuietHoursForm(initial=QuietHoursForm.initial_for(preference))
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "rows": rows,
            "channel_headers": [Notification.Channel(c).label for c in CHANNELS],
        },
    )
