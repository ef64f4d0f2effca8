"""Cases a review of the supervision figures found; each failed before its fix."""

from datetime import date
from decimal import Decimal

from tests.conftest import make_account, make_unit
from tests.supervision.conftest import AS_OF, filing, line, row, table
from zhunong.orgs.models import AccountChange, Unit, UnitEvent
from zhunong.regions.models import Region
from zhunong.supervision.assessment import assess
from zhunong.supervision.dashboard import dashboard, month_ends
from zhunong.supervision.drill import drill
from zhunong.supervision.numbers import wan
from zhunong.supervision.statements import statements
from zhunong.supervision.unitfigures import unit_figures


def statement(t, key):
    return next(s for s in statements(t) if s.key == key)


def test_trading_accounts_count_only_once_the_unit_counts(plain_world):
    w = plain_world
    make_account(
        w.js_school2, "j2-jy", "trading", opened=date(2024, 1, 1), activated=date(2024, 1, 2)
    )
    make_account(w.js_school2, "j2-gl", "management", opened=date(2024, 9, 1))
    r = row(table(w.city), "410105")
    assert (r.units, r.trading) == (1, 1)


def test_a_union_registered_elsewhere_buys_for_its_owner_everywhere(plain_world):
    w = plain_world
    union = make_unit("J-UNION", "金水一小工会", w.erqi, kind="union", owner=w.js_school)
    line(union, "U1", "1000.00", date(2024, 5, 1), channel="union")
    t = table(w.jinshui)
    assert t.total.completed == Decimal("1000.00")
    assert sum(f.completed for f in unit_figures(t).values()) == t.total.completed
    curve = dashboard(region=w.jinshui, year=2024, as_of=AS_OF, units_qs=Unit.objects.all())[
        "curve"
    ]
    assert curve[-1]["completed_wan"] == "0.10"


def test_pending_as_of_a_past_date_does_not_change_when_the_order_completes_later(plain_world):
    w = plain_world
    filing(w.js_school, "100000", "10000")
    order = line(w.js_school, "P1", "500.00", None, ordered=date(2024, 12, 20))
    cut = date(2024, 12, 31)
    assert statement(table(w.jinshui, as_of=cut), "pending").data["pending_yuan"] == "500.00"
    order.completed_on, order.year = date(2025, 1, 5), 2025
    order.save()
    assert statement(table(w.jinshui, as_of=cut), "pending").data["pending_yuan"] == "500.00"


def test_a_small_net_refund_shows_as_zero_not_minus_zero(plain_world):
    assert wan(Decimal("-30.00")) == "0.00"
    line(plain_world.js_school, "R1", "-30.00", date(2024, 5, 1))
    assert row(table(plain_world.jinshui), "J-EDU").shown()[10] == "0.00"


def test_a_reinstated_unit_counts_again(plain_world):
    w = plain_world
    UnitEvent.objects.create(
        unit=w.js_school,
        kind="dissolved",
        effective_on=date(2024, 2, 1),
        changes={"status": ["active", "dissolved"]},
    )
    UnitEvent.objects.create(
        unit=w.js_school,
        kind="reinstated",
        effective_on=date(2024, 3, 1),
        changes={"status": ["dissolved", "active"]},
    )
    assert table(w.jinshui).total.units == 1
    assert table(w.jinshui, as_of=date(2024, 2, 15)).total.units == 0


def test_a_move_after_the_cutoff_does_not_rewrite_the_past(plain_world):
    w = plain_world
    UnitEvent.objects.create(
        unit=w.eq_school,
        kind="moved",
        effective_on=date(2024, 9, 1),
        changes={"region": ["410105", "410103"]},
    )
    t = table(w.city)
    assert (row(t, "410105").units, row(t, "410103").units) == (2, 0)  # still in 金水 on 31 July
    assert row(table(w.city, as_of=date(2024, 9, 1)), "410103").units == 1


def test_assessment_and_table_agree_on_stopped_trading_accounts(plain_world):
    w = plain_world
    stopped = make_account(
        w.js_school, "j-stop", "trading", opened=date(2024, 1, 1), activated=date(2024, 1, 2)
    )
    AccountChange.objects.create(account=stopped, kind="deactivated", on=date(2024, 3, 1))
    w.js_school_trade.activated_on = date(2024, 1, 1)
    w.js_school_trade.save()
    t = table(w.jinshui)
    assert (t.total.trading, t.total.trading_activated) == (1, 1)
    score = next(s for s in assess(t)["units"] if s.key == "J-SCH1")
    assert score.parts["activation"] == 1


def test_a_department_is_the_topmost_supervising_unit_in_the_units_own_region(plain_world):
    w = plain_world
    city_unit = make_unit("C-X", "市直某单位", w.city, parent=w.js_dept, canteen="own")
    make_account(city_unit, "cx-gl", "management", activated=date(2021, 1, 2))
    filing(city_unit, "1000", "100")
    line(city_unit, "CX1", "50", date(2024, 5, 1))
    t = table(w.city)
    assert "金水区教育局" not in statement(t, "top_departments").sentence
    assert [d.name for d in assess(t)["departments"]] == ["市直某单位"]


def test_no_trading_accounts_is_not_full_activation(plain_world):
    plain_world.js_school_trade.delete()
    assert "金水区" not in statement(table(plain_world.city), "activation").data["full"]


def test_the_drill_down_shows_no_date_after_the_cutoff(plain_world):
    make_account(
        plain_world.js_school2,
        "j2-gl",
        "management",
        opened=date(2024, 3, 1),
        activated=date(2024, 8, 5),
    )
    rows = list(drill(table(plain_world.jinshui), "total", "units").rows())
    assert all(r[5] is None or r[5] <= date(2024, 7, 31) for r in rows)
    assert any(r[0] == "J-SCH2" and r[5] is None for r in rows)


def test_a_cutoff_before_the_year_has_no_curve_and_nothing_crashes(plain_world):
    w = plain_world
    assert month_ends(2024, date(2023, 12, 31)) == []
    empty = Region.objects.get(code="410102")  # 中原区: no units
    for region, cut in (
        (w.jinshui, AS_OF),
        (w.city, date(2023, 12, 31)),
        (empty, AS_OF),
        (w.erqi, AS_OF),
    ):
        t = table(region, as_of=cut)
        assess(t)
        for r in t.all_rows():
            list(drill(t, r.key, "completed").rows())
    assert table(empty).total.units == 0
    city_before = dashboard(
        region=w.city, year=2024, as_of=date(2023, 12, 31), units_qs=Unit.objects.all()
    )
    assert city_before["curve"] == []


def test_the_dashboard_curve_adds_up_month_by_month(plain_world):
    """3,000 completed on 1 May and 1,500 on 20 July: nothing until April, 0.30 万元 from May,
    0.45 万元 in July."""
    w = plain_world
    filing(w.js_school, "100000.00", "12000.00")
    line(w.js_school, "M1", "3000.00", date(2024, 5, 1))
    line(w.js_school, "M2", "1500.00", date(2024, 7, 20))
    curve = dashboard(region=w.jinshui, year=2024, as_of=AS_OF, units_qs=Unit.objects.all())[
        "curve"
    ]
    assert [(p["month"], p["completed_wan"]) for p in curve] == [
        ("2024-01", "0.00"),
        ("2024-02", "0.00"),
        ("2024-03", "0.00"),
        ("2024-04", "0.00"),
        ("2024-05", "0.30"),
        ("2024-06", "0.30"),
        ("2024-07", "0.45"),
    ]


def test_a_region_without_units_says_so_in_its_statements(plain_world):
    said = {s.key: s for s in statements(table(Region.objects.get(code="410102")))}
    assert "全中原区共有预算单位0个，激活0个，激活率—" in said["activation"].sentence
    assert said["activation"].data == {"full": [], "short": []}
    assert said["filings"].data == {"units": 0, "reserved_yuan": "0"}
    assert said["pending"].data == {"completed_yuan": "0.00", "pending_yuan": "0"}
    assert said["target"].data == {"met": False}
