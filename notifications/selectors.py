from notifications.models import Notification


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.INBOX,
                                       read_at__isnull=True).count()
