from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from zhunong.reservations.models import Reservation


def test_reservations_export_writes_the_region_and_below(filing_world, tmp_path):
    w = filing_world
    Reservation.objects.create(
        unit=w.js_school, year=2025, canteen_total=100000, ratio=15, reserved_amount=15000
    )
    Reservation.objects.create(
        unit=w.eq_school, year=2025, canteen_total=50000, ratio=10, reserved_amount=5000
    )
    Reservation.objects.create(
        unit=w.js_dept, year=2024, canteen_total=50000, ratio=10, reserved_amount=5000
    )
    out = tmp_path / "jinshui.xlsx"
    said = StringIO()
    call_command("reservations_export", region="410105", year=2025, out=str(out), stdout=said)
    ws = load_workbook(BytesIO(out.read_bytes())).active
    assert ws["A1"].value == "金水区2025年度预留份额填报"
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [r[:2] for r in rows] == [("J-SCH1", "金水区第一小学")]
    assert rows[0][6:10] == (100000, 15, 15000, "已填报")
    assert "1 份" in said.getvalue()
    city = tmp_path / "city.xlsx"
    call_command(
        "reservations_export", region="410100", year=2025, out=str(city), stdout=StringIO()
    )
    codes = {r[0] for r in load_workbook(city).active.iter_rows(min_row=3, values_only=True)}
    assert codes == {"J-SCH1", "E-SCH1"}


def test_reservations_export_names_a_bad_region(db, tmp_path):
    with pytest.raises(CommandError, match="999999"):
        call_command(
            "reservations_export", region="999999", year=2025, out=str(tmp_path / "x.xlsx")
        )
