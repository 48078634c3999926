from notifications.selectors import unread_count


def inbox(request):
    """The unread count for the bell on every staff page (one indexed COUNT query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": unread_count(user)}
