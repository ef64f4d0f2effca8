from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "short_name", "level", "parent", "is_certified_county")
    list_filter = ("level", "is_certified_county", "is_builtin")
    search_fields = ("code", "name", "short_name")
    readonly_fields = ("path", "is_builtin")
    raw_id_fields = ("parent",)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        """The tree is changed by finance bureaus' pages (zones), not by editing parents here."""
        fixed = ("path", "is_builtin")
        return (*fixed, "code", "parent", "level") if obj else fixed
