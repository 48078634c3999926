from accounts.session_user import session_extra
from notifications.selectors import unread_count

# A view that has already counted the user's unread messages (e.g. with
# notifications.selectors.unread_inbox) leaves the count here for the bell.
UNREAD_ATTRIBUTE = "_redgrid_inbox_unread"


def remember_unread(request, count: int) -> None:
    """Spare the bell its query: `count` is the user's unread inbox messages, counted during
    this request."""
    setattr(request, UNREAD_ATTRIBUTE, count)


# Requests whose views read and do not write: the count read with the session's user at the start
# of the request is still the count when the page is rendered. Other methods may have just read
# or received messages, and count again.
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})


def inbox(request):
    """The unread count for the bell on every staff page: the one the view counted already
    (remember_unread), else on a GET the one read with the session's user (notifications.apps,
    accounts.session_user), else one indexed COUNT query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = getattr(request, UNREAD_ATTRIBUTE, None)
    if count is None and request.method in READ_ONLY_METHODS:
        count = session_extra(user, "inbox_unread")
    return {"inbox_unread": unread_count(user) if count is None else count}
