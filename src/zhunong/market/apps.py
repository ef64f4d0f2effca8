from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MarketConfig(AppConfig):
    name = "zhunong.market"
    verbose_name = "交易市场"

    def ready(self):
        from .expiry import ensure_scheduled

        post_migrate.connect(ensure_scheduled, sender=self)
