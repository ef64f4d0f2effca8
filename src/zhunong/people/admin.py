from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("zhunong", {"fields": ("mobile", "display_name")}))
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
