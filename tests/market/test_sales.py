"""Imported purchases are linked to the marketplace's suppliers (by name within the origin
county), so a supplier sees its sales, imported or not, and a county bureau those of its
county's suppliers."""

from datetime import date
from decimal import Decimal

from tests.ingest.conftest import base_rows, write_folder
from tests.ingest.test_import import run
from zhunong.ledger.models import PurchaseLine
from zhunong.market import sales
from zhunong.market.models import Supplier
from zhunong.market.onboarding import supplier_move


def test_an_import_links_lines_to_the_supplier_of_that_name_in_the_origin_county(seller, tmp_path):
    """base_rows: T-001 and T-002 are from 兰考合作社 with origin 410225 (the refund has none)."""
    Supplier.objects.filter(pk=seller.coop.pk).update(name="兰考合作社")
    rows = base_rows()
    rows["transactions"][1][8] = "410225"  # the refund names its origin too
    assert run(write_folder(tmp_path / "rows", rows)).state == "succeeded"
    linked = dict(PurchaseLine.objects.values_list("order_no", "supplier_id"))
    assert linked["T-001"] == linked["T-002"] == seller.coop.pk
    assert linked["T-003"] is None  # no supplier named


def test_two_suppliers_of_one_name_in_a_county_link_nothing(seller, tmp_path):
    Supplier.objects.filter(pk=seller.coop.pk).update(name="兰考合作社")
    Supplier.objects.create(name="兰考合作社", credit_code="X" * 18, county_id="410225")
    assert run(write_folder(tmp_path / "rows", base_rows())).state == "succeeded"
    assert not PurchaseLine.objects.filter(supplier__isnull=False).exists()


def test_a_supplier_admitted_later_finds_its_imported_sales(market, tmp_path):
    assert run(write_folder(tmp_path / "rows", base_rows())).state == "succeeded"
    late = Supplier.objects.create(
        name="兰考合作社", credit_code="Y" * 18, county_id="410225", status="recommended"
    )
    supplier_move(actor=market.operator, supplier=late, action="approved")
    assert list(PurchaseLine.objects.filter(supplier=late).values_list("order_no", flat=True)) == [
        "T-001"
    ]


def test_sales_by_year_and_who_sees_them(seller, client_for):
    w = seller
    for order_no, amount, completed in (("S1", "100.50", date(2026, 3, 1)), ("S2", "20.00", None)):
        PurchaseLine.objects.create(
            order_no=order_no,
            unit=w.js_school,
            amount=Decimal(amount),
            ordered_on=date(2026, 2, 1),
            completed_on=completed,
            year=2026,
            supplier=w.coop,
        )
    assert sales.sales_by_year(sales.visible_sales(w.coop_user)) == [
        {"year": 2026, "completed": Decimal("100.50"), "pending": Decimal("20.00"), "orders": 2}
    ]
    assert sales.visible_sales(w.lankao_rural).count() == 2
    assert sales.visible_sales(w.other_rural).count() == 0
    assert sales.visible_sales(w.js_finance).count() == 0
