from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from notifications.models import Notification


@login_required
def inbox(request):
    messages = (Notification.objects.filter(recipient=request.user,
                                            channel=Notification.Channel.INBOX)
                .order_by("-created_at")[:100])
    return render(request, "notifications/inbox.html", {"inbox_messages": messages})
