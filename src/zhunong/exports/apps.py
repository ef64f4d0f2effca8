from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ExportsConfig(AppConfig):
    name = "zhunong.exports"
    verbose_name = "后台导出"

    def ready(self):
        from .services import ensure_scheduled

        post_migrate.connect(ensure_scheduled, sender=self)
