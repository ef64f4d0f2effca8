from django.contrib import admin

from .models import PurchaseLine


@admin.register(PurchaseLine)
class PurchaseLineAdmin(admin.ModelAdmin):
    list_display = ("order_no", "unit", "channel", "amount", "ordered_on", "completed_on")
    raw_id_fields = ("unit", "account")
    search_fields = ("order_no",)
    readonly_fields = ("year",)

    def save_model(self, request, obj, form, change):
        """A line's year follows its dates, as the import and the marketplace write it (its
        completion year, or its order year while open): the ledger page's totals rely on it."""
        obj.year = (obj.completed_on or obj.ordered_on).year
        super().save_model(request, obj, form, change)
