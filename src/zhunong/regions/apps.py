from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "zhunong.regions"
    verbose_name = "区划"
