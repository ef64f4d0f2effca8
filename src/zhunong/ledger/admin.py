from django.contrib import admin

from .models import PurchaseLine


@admin.register(PurchaseLine)
class PurchaseLineAdmin(admin.ModelAdmin):
    list_display = ("source_key", "unit", "channel", "amount", "completed_on")
    raw_id_fields = ("unit", "account")
    search_fields = ("source_key",)
