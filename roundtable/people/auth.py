"""Who is asking: the session and the person behind it, read on every logged-in request.

Django's database sessions and ModelBackend, each with its one read in plain SQL: compiling the
ORM's query cost more than running it, twice on every page and form a logged-in person opens.
Everything else (saving sessions, logging in and out, the password and session-hash checks) is
Django's own.
"""

import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends import db
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from roundtable.common.rows import all_columns, from_row

from .models import User


class SessionStore(db.SessionStore):
    """SESSION_ENGINE "roundtable.people.auth": database sessions."""

    def load(self):
        with connection.cursor() as cursor:
            cursor.execute(_session_sql(), [self.session_key, _now()])
            row = cursor.fetchone()
        if row is None:  # unknown or expired: a new session starts, as in Django's
            self._session_key = None
            return {}
        return self.decode(row[0])


class Backend(ModelBackend):
    """AUTHENTICATION_BACKENDS: Django's ModelBackend."""

    def get_user(self, user_id):
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        with connection.cursor() as cursor:
            cursor.execute(_user_sql(), [pk])
            row = cursor.fetchone()
        user = from_row(User, USER_COLUMNS, row) if row is not None else None
        return user if user is not None and self.user_can_authenticate(user) else None


USER_COLUMNS = all_columns(User)


def _now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _session_sql():
    return _session_sql_for(connection.vendor)


def _user_sql():
    return _user_sql_for(connection.vendor)


@functools.cache
def _session_sql_for(vendor):
    q = connection.ops.quote_name
    table = q(db.SessionStore.get_model_class()._meta.db_table)
    return (
        f"SELECT {q('session_data')} FROM {table} "
        f"WHERE {q('session_key')} = %s AND {q('expire_date')} > %s"
    )


@functools.cache
def _user_sql_for(vendor):
    q = connection.ops.quote_name
    columns = ", ".join(q(User._meta.get_field(name).column) for name in USER_COLUMNS)
    return f"SELECT {columns} FROM {q(User._meta.db_table)} WHERE {q(User._meta.pk.column)} = %s"
