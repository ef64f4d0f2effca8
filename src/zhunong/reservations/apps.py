from django.apps import AppConfig


class ReservationsConfig(AppConfig):
    name = "zhunong.reservations"
    verbose_name = "预留份额"
