from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import PaymentTerms, Supplier


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "county")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("county",)


@admin.register(PaymentTerms)
class PaymentTermsAdmin(admin.ModelAdmin):
    """A region's payment days and late-interest rate (the operator sets them on a bureau's
    request; days beyond 60 are capped by the regulation)."""

    list_display = ("region", "payment_days", "daily_rate")
    autocomplete_fields = ("region",)
