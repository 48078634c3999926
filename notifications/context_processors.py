from notifications.selectors import unread_count

# A view that has already counted the user's unread messages (e.g. with
# notifications.selectors.unread_inbox) leaves the count here for the bell.
UNREAD_ATTRIBUTE = "_redgrid_inbox_unread"


def remember_unread(request, count: int) -> None:
    """Spare the bell its query: `count` is the user's unread inbox messages, counted during
    this request."""
    setattr(request, UNREAD_ATTRIBUTE, count)


def inbox(request):
    """The unread count for the bell on every staff page (one indexed COUNT query, unless the
    view counted them already: remember_unread)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(request, UNREAD_ATTRIBUTE, None)
    return {"inbox_unread": unread_count(user) if count is None else count}
