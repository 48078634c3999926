"""Django's database sessions (settings.SESSION_ENGINE), read with one fixed statement.

Every signed-in page reads its session first. Django's store builds that read through the ORM —
a queryset, its compilation and a model instance, about a third of a millisecond for a
two-column row (issue 17). This store reads the same row, by the same key and the same
unexpired condition, with a fixed statement; writing, deleting and expiring are Django's.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from core import prepared


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        # Prepared on the connection (core.prepared): parsed and planned once, not on every
        # signed-in request.
        row = prepared.fetchone(
            f"SELECT session_data, expire_date FROM {table} "
            "WHERE session_key = %s AND expire_date > %s",
            [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            using=connection.alias,
        )
        if row is None:
            self._session_key = None
            return None
        # What load() reads; the expiry as stored (it is not read again).
        return model(session_key=self.session_key, session_data=row[0], expire_date=row[1])
