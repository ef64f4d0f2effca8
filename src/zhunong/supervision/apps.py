from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "zhunong.supervision"
    verbose_name = "监管"
