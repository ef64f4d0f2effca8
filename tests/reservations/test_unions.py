"""A union's target against what it has bought: on its filing page and on the bureau's list of
unions, as of a date; its purchases also count to the owning unit in the progress table."""

from datetime import date
from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from tests.conftest import make_unit, make_user
from tests.supervision.conftest import line
from zhunong.orgs.models import Membership, Role, UnitKind
from zhunong.reservations.models import Reservation
from zhunong.reservations.queries import union_progress
from zhunong.reservations.services import reservation_file


def union_with_target(w):
    """金水区第一小学工会: 40 members, welfare 100000 → target 15000 (15% > 300 × 40); bought 3000
    in March, 1500 in June and 99 the year before."""
    union = make_unit(
        "J-SCH1-GH", "金水区第一小学工会", w.jinshui, kind=UnitKind.UNION, owner=w.js_school
    )
    Membership.objects.create(user=w.js_admin, role=Role.UNIT_ADMIN, unit=union)
    reservation_file(
        actor=w.js_admin, unit=union, year=2025, canteen="", members="40", welfare_total="100000"
    )
    line(union, "GH1", "3000.00", date(2025, 3, 1), ordered=date(2025, 2, 1), channel="union")
    line(union, "GH2", "1500.00", date(2025, 6, 1), ordered=date(2025, 5, 1), channel="union")
    line(union, "GH0", "99.00", date(2024, 12, 1), ordered=date(2024, 11, 1), channel="union")
    return union


def test_a_unions_progress_is_its_purchases_of_the_year_by_the_date_against_its_target(
    filing_world,
):
    union_with_target(filing_world)
    filings = Reservation.objects.all()
    (april,) = union_progress(filings, 2025, date(2025, 4, 30))
    assert (april.reservation.reserved_amount, april.completed) == (
        Decimal("15000.00"),
        Decimal("3000.00"),
    )
    assert april.ratio == Decimal("0.2")
    (july,) = union_progress(filings, 2025, date(2025, 7, 31))
    assert july.completed == Decimal("4500.00") and july.ratio == Decimal("0.3")


def test_the_unions_page_lists_targets_and_progress_and_downloads_them(filing_world, client_for):
    union_with_target(filing_world)
    client = client_for(filing_world.js_finance)
    url = "/filings/unions/?year=2025&region=410105&as_of=2025-07-31"
    page = client.get(url).content.decode()
    assert "金水区第一小学工会" in page and "4,500.00" in page and "30.00%" in page
    ws = load_workbook(BytesIO(client.get(url + "&format=xlsx").content)).active
    assert ws["A1"].value == "金水区2025年度工会采购完成情况（截至 2025年7月31日）"
    assert [c.value for c in ws[3]] == [
        "J-SCH1-GH",
        "金水区第一小学工会",
        "金水区第一小学",
        40,
        100000,
        15000,
        4500,
        0.3,
    ]
    assert ws["H3"].number_format == "0.00%"
    # another district's bureau sees none of it
    other = client_for(filing_world.eq_finance).get("/filings/unions/?year=2025&as_of=2025-07-31")
    assert "金水区第一小学工会" not in other.content.decode()


def test_the_unions_filing_page_shows_its_progress(filing_world, client_for, monkeypatch):
    union = union_with_target(filing_world)
    monkeypatch.setattr("zhunong.reservations.views.today", lambda: date(2025, 7, 31))
    page = client_for(filing_world.js_admin).get(f"/units/{union.pk}/filing/2025/")
    assert 'id="union-progress"' in page.content.decode()
    assert "4,500.00" in page.content.decode() and "30.00%" in page.content.decode()


def test_the_unions_list_sorts_by_completed_amount_and_its_download_follows(
    filing_world, client_for
):
    """A second union that bought more (6,000 in April) comes first by 已完成, descending."""
    union_with_target(filing_world)
    w = filing_world
    other = make_unit(
        "J-SCH2-GH", "金水区第二小学工会", w.jinshui, kind=UnitKind.UNION, owner=w.js_school2
    )
    admin = make_user("j-sch2-gh-admin", Role.UNIT_ADMIN, unit=other)
    reservation_file(
        actor=admin, unit=other, year=2025, canteen="", members="10", welfare_total="20000"
    )
    line(other, "GH9", "6000.00", date(2025, 4, 1), ordered=date(2025, 3, 1), channel="union")
    client = client_for(w.js_finance)
    url = "/filings/unions/?year=2025&region=410105&as_of=2025-07-31"
    for sort, first in (
        ("-completed", "J-SCH2-GH"),
        ("completed", "J-SCH1-GH"),
        ("-members", "J-SCH1-GH"),  # 40 members against 10
        ("members", "J-SCH2-GH"),
    ):
        page = client.get(f"{url}&sort={sort}").content.decode()
        second = "J-SCH1-GH" if first == "J-SCH2-GH" else "J-SCH2-GH"
        assert page.index(first) < page.index(second)
        ws = load_workbook(BytesIO(client.get(f"{url}&sort={sort}&format=xlsx").content)).active
        assert ws["A3"].value == first
