from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _refresh_tally(**kwargs):
    """After migrating, the units marked by a migration (all of them, the first time) are
    tallied, so the first table needs no slow path."""
    from django.db import connection

    from .tally import refresh

    if "supervision_tallymark" in connection.introspection.table_names():
        refresh()


class SupervisionConfig(AppConfig):
    name = "zhunong.supervision"
    verbose_name = "监管"

    def ready(self):
        post_migrate.connect(_refresh_tally, sender=self)
