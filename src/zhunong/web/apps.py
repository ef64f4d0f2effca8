from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "zhunong.web"
    verbose_name = "页面"
