"""The filing pages: a unit admin files, the reviewers act, the review list flags and exports."""

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from zhunong.reservations.models import Reservation, Status


def test_a_unit_admin_files_on_the_page_and_a_bad_ratio_is_named(filing_world, client_for):
    w = filing_world
    client = client_for(w.js_admin)
    url = f"/units/{w.js_school.pk}/filing/2025/"
    page = client.get(url)
    assert "有食堂的单位预留比例不低于 10%（全国规定）" in page.content.decode()
    bad = client.post(url, {"canteen": "own", "canteen_total": "100000", "ratio": "8"})
    assert bad.status_code == 200
    assert "预留比例不得低于10" in bad.content.decode()
    assert not Reservation.objects.exists()
    done = client.post(
        url, {"canteen": "own", "canteen_total": "100000", "reserved_amount": "12000"}
    )
    assert done.status_code == 302
    r = Reservation.objects.get()
    assert (r.ratio, r.status) == (Decimal("12.00"), Status.FILED)


def test_the_supervising_unit_confirms_and_finance_returns_on_the_page(filing_world, client_for):
    w = filing_world
    client_for(w.js_admin).post(
        f"/units/{w.js_school.pk}/filing/2025/",
        {"canteen": "own", "canteen_total": "100000", "ratio": "10"},
    )
    r = Reservation.objects.get()
    client = client_for(w.js_supervisor)
    assert "确认" in client.get(f"/units/{w.js_school.pk}/filing/2025/").content.decode()
    client.post(f"/filings/{r.pk}/confirm/", {"version": r.version})
    r.refresh_from_db()
    assert r.status == Status.SUPERVISOR_CONFIRMED
    client = client_for(w.js_finance)
    client.post(f"/filings/{r.pk}/return/", {"version": r.version, "reason": "请附食堂合同"})
    r.refresh_from_db()
    assert r.status == Status.RETURNED
    page = client.get(f"/units/{w.js_school.pk}/filing/2025/").content.decode()
    assert "请附食堂合同" in page and "js_finance" in page


def test_a_stale_page_cannot_act_twice(filing_world, client_for):
    w = filing_world
    client_for(w.js_admin).post(
        f"/units/{w.js_school.pk}/filing/2025/",
        {"canteen": "own", "canteen_total": "100000", "ratio": "10"},
    )
    r = Reservation.objects.get()
    stale = r.version
    client = client_for(w.js_supervisor)
    client.post(f"/filings/{r.pk}/confirm/", {"version": stale})
    client_for(w.js_finance).post(
        f"/filings/{r.pk}/return/", {"version": stale, "reason": "旧页面"}
    )
    r.refresh_from_db()
    assert r.status == Status.SUPERVISOR_CONFIRMED


def test_the_review_page_flags_totals_bulk_confirms_and_exports(filing_world, client_for):
    w = filing_world
    low = Reservation.objects.create(
        unit=w.js_school,
        year=2025,
        canteen="own",
        canteen_total=100000,
        ratio=5,
        reserved_amount=5000,
        filed_on=date(2025, 3, 10),
        status=Status.SUPERVISOR_CONFIRMED,
    )
    ok = Reservation.objects.create(
        unit=w.js_dept,
        year=2025,
        canteen="own",
        canteen_total=200000,
        ratio=15,
        reserved_amount=30000,
        filed_on=date(2025, 1, 5),
    )
    client = client_for(w.js_finance)
    page = client.get("/filings/", {"year": 2025, "region": "410105"}).content.decode()
    assert "35,000.00" in page  # the total reserved
    # the flags as badges on the filing's row (the filter list names every flag anyway)
    assert 'me-1">预留比例低于10%</span>' in page
    assert 'me-1">逾期填报</span>' in page  # filed after 28 February
    flagged = client.get("/filings/", {"year": 2025, "flag": "late"}).content.decode()
    assert "金水区第一小学" in flagged and "金水区教育局</a>" not in flagged
    response = client.post(
        "/filings/?year=2025",
        {"action": "confirm", "ids": [f"{low.pk}:{low.version}", f"{ok.pk}:{ok.version}"]},
        follow=True,
    )
    # the report names every filing done
    html = response.content.decode()
    assert "已确认 2 份填报：金水区教育局、金水区第一小学" in html  # in the order of their codes
    low.refresh_from_db()
    ok.refresh_from_db()
    assert (low.status, ok.status) == (Status.FINANCE_CONFIRMED, Status.FINANCE_CONFIRMED)
    data = client.get("/filings/", {"year": 2025, "format": "xlsx"}).content
    ws = load_workbook(io.BytesIO(data)).active
    rows = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    assert rows["J-SCH1"][8] == 5000 and rows["J-SCH1"][9] == "财政已确认"
    assert "逾期填报" in rows["J-SCH1"][14]
    assert ws.cell(row=3, column=9).number_format == "#,##0.00"


def test_units_not_filed_are_listed_but_not_those_without_a_canteen(filing_world, client_for):
    w = filing_world
    w.js_school2.canteen = "none"
    w.js_school2.save()
    page = client_for(w.js_finance).get("/filings/", {"year": 2025}).content.decode()
    missing = page[page.index('id="not-filed"') :]
    assert "金水区第一小学" in missing and "金水区第二小学" not in missing


def test_a_supervisor_reviews_only_its_subordinate_units(filing_world, client_for):
    w = filing_world
    Reservation.objects.create(
        unit=w.eq_school, year=2025, canteen_total=1, ratio=10, reserved_amount=0.1
    )
    Reservation.objects.create(
        unit=w.js_school, year=2025, canteen_total=100000, ratio=10, reserved_amount=10000
    )
    page = client_for(w.js_supervisor).get("/filings/", {"year": 2025}).content.decode()
    assert "金水区第一小学" in page and "二七区蓝天小学" not in page
    assert client_for(w.js_buyer).get("/filings/").status_code == 404


def test_a_canteen_total_far_off_its_peers_per_head_is_flagged(filing_world):
    from tests.conftest import make_unit
    from zhunong.reservations.queries import review, with_reservations

    w = filing_world
    # per head: 2000, 2500 and 3000 yuan (median 2500); 9000 is more than double it, 1000 less
    # than half
    figures = {"P1": (100000, 50), "P2": (125000, 50), "P3": (150000, 50)}
    figures.update({"HIGH": (90000, 10), "LOW": (50000, 50)})
    for code, (total, staff) in figures.items():
        unit = make_unit(code, f"单位{code}", w.jinshui)
        Reservation.objects.create(
            unit=unit,
            year=2025,
            canteen="own",
            canteen_total=total,
            ratio=10,
            reserved_amount=total / 10,
            staff=staff,
            filed_on=date(2025, 1, 5),
        )
    rows, _totals = review(Reservation.objects.all(), year=2025, flag="per_head_off")
    assert sorted(r.reservation.unit.code for r in with_reservations(rows)) == ["HIGH", "LOW"]


def test_a_filing_below_the_minimum_warns_on_its_page_until_an_exemption_covers_it(
    filing_world, client_for
):
    """A filing can be below the rule when it came from the platform's import or the rule was
    raised after it: its page says so, with the least it must reserve, checked on amounts."""
    from zhunong.reservations.models import Exemption

    w = filing_world
    Reservation.objects.create(
        unit=w.js_school,
        year=2025,
        canteen_total=Decimal("100000.00"),
        ratio=Decimal("5"),
        reserved_amount=Decimal("5000.00"),
        filed_on=date(2025, 1, 5),
        status=Status.FILED,
    )
    url = f"/units/{w.js_school.pk}/filing/2025/"
    html = client_for(w.js_admin).get(url).content.decode()
    assert 'id="below-rule"' in html
    alert = html.split('id="below-rule">')[1].split("</div>")[0]
    assert "预留比例 5.00% 低于有食堂单位 10% 的最低要求" in alert, alert
    assert "至少应为 10,000.00 元" in alert, alert
    Exemption.objects.create(
        unit=w.js_school, year=2025, document_no="金财〔2025〕1号", reason="特殊情况"
    )
    assert 'id="below-rule"' not in client_for(w.js_admin).get(url).content.decode()


def test_the_review_page_links_the_rules_for_the_bureau(filing_world, client_for):
    html = client_for(filing_world.js_finance).get("/filings/", {"year": 2025}).content.decode()
    assert 'id="rules-link"' in html and "/filings/rules/?year=2025" in html
    admin = client_for(filing_world.js_admin).get("/filings/", {"year": 2025})
    assert 'id="rules-link"' not in admin.content.decode()


def test_the_review_pages_a_long_list_and_totals_all_of_it(filing_world, client_for):
    """250 filings: the totals count all of them, the page lists 100 and leads to the rest."""
    from tests.conftest import make_unit

    w = filing_world
    for i in range(250):
        unit = make_unit(f"J-R{i:03}", f"金水区第{i:03}食堂单位", w.jinshui, canteen="own")
        Reservation.objects.create(
            unit=unit,
            year=2025,
            canteen="own",
            canteen_total=100000,
            ratio=10,
            reserved_amount=10000,
            filed_on=date(2025, 1, 5),
        )
    client = client_for(w.js_finance)
    first = client.get("/filings/", {"year": 2025, "region": "410105"}).content.decode()
    assert '<div class="fs-5 text-nowrap" id="total-count">250</div>' in first
    assert "2,500,000.00" in first  # every filing's reserve, not one page's
    assert first.count('name="ids"') == 100 and "第 1–100 份，共 250 份" in first
    assert "J-R000" in first and "J-R100" not in first
    last = client.get("/filings/", {"year": 2025, "region": "410105", "page": 3}).content.decode()
    assert last.count('name="ids"') == 50 and "J-R249" in last
