from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "zhunong.ledger"
    verbose_name = "采购台账"
