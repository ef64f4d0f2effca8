"""Read replicas: with DATABASE_REPLICA_URL set, supervision reads go to the replica (the
"replica" database), everything else to the primary ("default"). ADR 0020.

Which reads: the GET (and HEAD) requests of the supervision pages, their downloads and the
supervision API — the heavy, read-only work of a bureau — marked by `ReplicaReadsMiddleware`.
What stays on the primary, always:
- every write (`db_for_write`), and every read made while the primary has a transaction open:
  a service that reads, decides and writes must see what it is about to change, never a copy
  that may lag behind it;
- sign-in state (sessions, users, tokens, login protection), so a user who has just signed in
  or changed a password is never turned away by a replica that has not caught up;
- everything outside those requests (other pages, the task worker, commands).

Raw SQL in the supervision code takes its connection from `read_connection()`, so it follows
the same rule as the ORM."""

from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"
SUPERVISION_PATHS = ("/supervision/", "/api/v1/supervision/")
# sign-in state and the admin: always read where it was just written
PRIMARY_ONLY_APPS = {"sessions", "auth", "people", "axes", "admin", "contenttypes"}

_reading = ContextVar("zhunong_replica_reads", default=False)


def read_alias(app_label: str = "") -> str:
    """The database a read goes to now: the replica inside a supervision request when one is
    configured and the primary has no transaction open; else the primary."""
    if (
        _reading.get()
        and REPLICA in connections.databases
        and app_label not in PRIMARY_ONLY_APPS
        and not connections["default"].in_atomic_block
    ):
        return REPLICA
    return "default"


def read_connection():
    """The connection for a raw SQL read (see `read_alias`)."""
    return connections[read_alias()]


class ReplicaRouter:
    """Django's database router (settings.DATABASE_ROUTERS) for the rule above."""

    def db_for_read(self, model, **hints):
        return read_alias(model._meta.app_label)

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # a replica follows the primary's schema; it is never migrated


class ReplicaReadsMiddleware:
    """Marks a GET or HEAD of a supervision page, download or API route as a replica read for
    the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wanted = request.method in ("GET", "HEAD") and request.path.startswith(SUPERVISION_PATHS)
        token = _reading.set(wanted)
        try:
            return self.get_response(request)
        finally:
            _reading.reset(token)
