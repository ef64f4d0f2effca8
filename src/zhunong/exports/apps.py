from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "zhunong.exports"
    verbose_name = "后台导出"
