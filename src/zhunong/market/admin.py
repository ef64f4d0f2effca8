from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Supplier


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "county")
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("county",)
