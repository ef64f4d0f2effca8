from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, User

# What a person may do comes from their memberships (roles in units, regions, suppliers), checked
# in zhunong.access; Django's groups and per-model permissions are not used, and their names
# ("Can add …") exist only in English, so the admin does not offer them.
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("平台信息"), {"fields": ("display_name", "mobile", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    list_filter = ("is_active", "is_staff", "is_superuser")
    list_display = ("username", "display_name", "mobile", "is_active", "is_staff")
    search_fields = ("username", "display_name", "mobile")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `zhunong api_token USER NAME` (the raw value is shown once);
    here they are listed and revoked (deleted)."""

    list_display = ("prefix", "name", "user", "created_at", "last_used_at")
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False
