"""Django admin for master data. Writes that have rules (merges, activation) go through the pages
and services; the admin is for the operator's corrections and lookups."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Account, Membership, Unit, UnitEvent


class AccountInline(admin.TabularInline):
    model = Account
    extra = 0
    fields = ("login", "kind", "holder", "opened_on", "activated_on", "deactivated_on")
    readonly_fields = fields  # opened and activated through the unit page, which dates them
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "region", "parent", "status", "canteen")
    list_filter = ("kind", "status", "canteen")
    search_fields = ("code", "name")
    raw_id_fields = ("region", "parent", "owner", "canteen_host", "merged_into")
    readonly_fields = ("tree_path",)
    inlines = [AccountInline]

    def get_readonly_fields(self, request, obj=None):
        """Dated changes (name, region, supervising unit, status) go through the unit page, which
        records them as events; the admin corrects the rest."""
        if obj is None:
            return self.readonly_fields
        return (
            *self.readonly_fields,
            "code",
            "name",
            "region",
            "parent",
            "status",
            "status_changed_on",
            "merged_into",
            "registered_on",
        )


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = ("login", "unit", "kind", "opened_on", "activated_on", "deactivated_on")
    list_filter = ("kind",)
    search_fields = ("login", "unit__name", "holder")
    raw_id_fields = ("unit",)
    readonly_fields = ("unit", "kind", "opened_on", "activated_on", "deactivated_on")

    def has_add_permission(self, request):
        return False


@admin.register(UnitEvent)
class UnitEventAdmin(admin.ModelAdmin):
    list_display = ("unit", "kind", "effective_on", "document_no", "recorded_by", "recorded_at")
    list_filter = ("kind",)
    raw_id_fields = ("unit",)
    readonly_fields = ("recorded_at",)


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "unit", "region", "supplier")
    list_filter = ("role",)
    search_fields = ("user__username", "user__display_name", "unit__name")
    raw_id_fields = ("user", "unit", "region", "supplier")
