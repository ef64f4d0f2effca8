from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "zhunong.people"
    verbose_name = "用户"
