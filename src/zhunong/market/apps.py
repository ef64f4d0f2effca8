from django.apps import AppConfig


class MarketConfig(AppConfig):
    name = "zhunong.market"
    verbose_name = "交易市场"
