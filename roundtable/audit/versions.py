"""A community's version: its newest audit event, and the newest event of no community (people,
organisations). Every change a page shows is recorded in the log in its own transaction, so a page
cached under the version is never served stale, by any process, and no cache is told anything.
"""

import functools

from django.db import connection
from django.http import Http404

from roundtable.common.rows import all_columns, from_row
from roundtable.places.models import Community

from .models import Event


def versioned_community(code, *, extra="", params=()):
    """(The community `code` with `.version` and `.version_elsewhere`, the values of `extra`).

    One plain query, read by a plain cursor: a cached page asks nothing else, and the ORM's
    compiling would cost more than the query. `extra` adds columns to the same SELECT (", (…)"
    each, their `params` in order). 404 if there is no such community.
    """
    with connection.cursor() as cursor:
        cursor.execute(_sql(connection.vendor, extra), [*params, code])
        row = cursor.fetchone()
    if row is None:
        raise Http404
    fields = len(all_columns(Community))
    community = from_row(Community, all_columns(Community), row[:fields])
    community.version, community.version_elsewhere = row[fields : fields + 2]
    return community, tuple(row[fields + 2 :])


@functools.cache
def _sql(vendor, extra):
    event, community = Event._meta.db_table, Community._meta.db_table
    newest = f"SELECT id FROM {event} WHERE community_id {{}} ORDER BY id DESC LIMIT 1"
    return (
        f"SELECT {', '.join(f'c.{name}' for name in all_columns(Community))}, "
        f"({newest.format('= c.id')}), ({newest.format('IS NULL')}){extra} "
        f"FROM {community} c WHERE c.code = %s"
    )
