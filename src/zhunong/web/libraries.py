"""App configs for libraries whose admin pages would otherwise carry English app names; listed in
INSTALLED_APPS in place of the libraries' own (docs.djangoproject.com, "Configuring applications").
Kept out of apps.py so Django still finds WebConfig there as the one default."""

from axes.apps import AppConfig as AxesAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    """django-axes under a Chinese name in the admin (the library gives its app none)."""

    verbose_name = "登录防护"


class TasksConfig(TasksAppConfig):
    """django-tasks-db under a Chinese name in the admin (the library gives its app none)."""

    verbose_name = "后台任务"
