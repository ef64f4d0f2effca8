from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Reservation


@admin.register(Reservation)
class ReservationAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "year", "canteen_total", "ratio", "reserved_amount", "status")
    list_filter = ("year", "status")
    search_fields = ("unit__name", "unit__code")
    raw_id_fields = ("unit",)
