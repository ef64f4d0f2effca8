from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "zhunong.ingest"
    verbose_name = "平台数据导入导出"
