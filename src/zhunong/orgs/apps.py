from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "zhunong.orgs"
    verbose_name = "单位与账号"
