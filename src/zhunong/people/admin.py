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
    list_display = ("prefix", "name", "user", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
