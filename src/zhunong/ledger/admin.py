from django.contrib import admin

from .models import PurchaseLine


@admin.register(PurchaseLine)
class PurchaseLineAdmin(admin.ModelAdmin):
    list_display = ("order_no", "unit", "channel", "amount", "ordered_on", "completed_on")
    raw_id_fields = ("unit", "account")
    search_fields = ("order_no",)
