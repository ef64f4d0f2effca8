"""Filing the yearly reserve: the figures, the minimum and its exemptions, canteen situations."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import make_unit
from zhunong.orgs.models import Account, Canteen, Membership, Role, UnitKind
from zhunong.reservations.models import Action, Exemption, FilingRules, Reservation, Status
from zhunong.reservations.services import exemption_record, filing_rules_set, reservation_file


def file(w, **kw):
    values = {"actor": w.js_admin, "unit": w.js_school, "year": 2025, "canteen": Canteen.OWN}
    values.update(kw)
    return reservation_file(**values)


def test_a_ratio_gives_the_amount_to_the_fen(filing_world):
    r = file(filing_world, canteen_total="123456.78", ratio="12.5")
    assert r.reserved_amount == Decimal("15432.10")  # 15432.0975 rounds half up
    assert r.status == Status.FILED and r.filed_on == date(2025, 1, 10)
    step = r.steps.get()
    assert (step.action, step.actor, step.on) == (Action.FILED, filing_world.js_admin, r.filed_on)


def test_an_amount_gives_the_ratio(filing_world):
    r = file(filing_world, canteen_total="300000", reserved_amount="50000")
    assert r.ratio == Decimal("16.67")


def test_a_ratio_and_an_amount_that_disagree_are_refused(filing_world):
    with pytest.raises(ValidationError) as err:
        file(filing_world, canteen_total="1000", ratio="10", reserved_amount="150")
    assert "reserved_amount" in err.value.message_dict
    assert not Reservation.objects.exists()


def test_under_the_national_minimum_is_refused_with_the_rule(filing_world):
    with pytest.raises(ValidationError) as err:
        file(filing_world, canteen_total="100000", ratio="9.99")
    message = err.value.message_dict["ratio"][0]
    assert "10" in message and "全国" in message
    assert not Reservation.objects.exists()


def test_the_minimum_is_checked_on_amounts_not_on_rounded_ratios(filing_world):
    # 9999.99 of 100000 is 9.99999%: shown as 10.00%, still under the minimum
    with pytest.raises(ValidationError):
        file(filing_world, canteen_total="100000", reserved_amount="9999.99")
    assert file(filing_world, canteen_total="100000", reserved_amount="10000").ratio == 10


def test_a_city_minimum_is_inherited_by_its_districts(filing_world):
    w = filing_world
    filing_rules_set(actor=w.city_finance, region=w.city, year=2025, min_ratio="15")
    with pytest.raises(ValidationError) as err:
        file(w, canteen_total="100000", ratio="12")
    assert (
        "15" in err.value.message_dict["ratio"][0]
        and "郑州市" in err.value.message_dict["ratio"][0]
    )
    assert file(w, canteen_total="100000", ratio="15").reserved_amount == Decimal("15000.00")


def test_a_district_rule_overrides_its_city_and_cannot_go_below_ten(filing_world):
    w = filing_world
    filing_rules_set(actor=w.city_finance, region=w.city, year=2025, min_ratio="15")
    filing_rules_set(actor=w.js_finance, region=w.jinshui, year=2025, min_ratio="20")
    with pytest.raises(ValidationError):
        file(w, canteen_total="100000", ratio="18")
    with pytest.raises(ValidationError) as err:
        filing_rules_set(actor=w.js_finance, region=w.jinshui, year=2025, min_ratio="8")
    assert "min_ratio" in err.value.message_dict
    assert FilingRules.objects.get(region=w.jinshui).min_ratio == 20


def test_not_below_last_year(filing_world):
    w = filing_world
    Reservation.objects.create(
        unit=w.js_school, year=2024, canteen_total=100000, ratio=20, reserved_amount=20000
    )
    filing_rules_set(actor=w.city_finance, region=w.city, year=2025, not_below_last_year=True)
    with pytest.raises(ValidationError) as err:
        file(w, canteen_total="100000", ratio="15")
    assert "2024" in err.value.message_dict["reserved_amount"][0]
    assert file(w, canteen_total="100000", ratio="20").reserved_amount == 20000


def test_an_exemption_lets_a_lower_ratio_through(filing_world):
    w = filing_world
    with pytest.raises(ValidationError) as err:
        exemption_record(actor=w.js_finance, unit=w.js_school, year=2025, reason="", document_no="")
    assert set(err.value.message_dict) == {"reason", "document_no"}
    with pytest.raises(PermissionDenied):
        exemption_record(
            actor=w.js_admin, unit=w.js_school, year=2025, reason="x", document_no="金财〔2025〕1号"
        )
    exemption_record(
        actor=w.js_finance,
        unit=w.js_school,
        year=2025,
        reason="食堂停业装修半年",
        document_no="金财〔2025〕1号",
    )
    assert file(w, canteen_total="100000", ratio="5").ratio == 5
    assert Exemption.objects.get().recorded_by == w.js_finance


def test_no_canteen_records_the_fact_and_no_amount(filing_world):
    r = file(filing_world, canteen=Canteen.NONE, canteen_total="5000", ratio="50")
    assert (r.canteen, r.canteen_total, r.reserved_amount) == ("none", 0, 0)
    filing_world.js_school.refresh_from_db()
    assert filing_world.js_school.canteen == Canteen.NONE


def test_a_shared_canteen_guest_names_its_host_and_files_nothing(filing_world):
    w = filing_world
    assert file(w, canteen=Canteen.SHARED, host=w.js_dept) is None
    w.js_school.refresh_from_db()
    assert w.js_school.canteen_host == w.js_dept
    assert list(w.js_dept.canteen_guests.all()) == [w.js_school]
    assert not Reservation.objects.exists()


def test_an_outsourced_canteen_gives_its_contractor_a_trading_account(filing_world):
    w = filing_world
    with pytest.raises(ValidationError) as err:
        file(w, canteen=Canteen.OUTSOURCED, canteen_total="100000", ratio="10")
    assert "contractor" in err.value.message_dict
    file(
        w,
        canteen=Canteen.OUTSOURCED,
        contractor="郑州好味餐饮公司",
        canteen_total="100000",
        ratio="10",
    )
    account = Account.objects.get(unit=w.js_school, is_contractor=True)
    assert (account.kind, account.holder) == ("trading", "郑州好味餐饮公司")


def test_only_the_units_admin_files(filing_world):
    w = filing_world
    for someone in (w.js_buyer, w.js_finance, w.js_supervisor, w.eq_admin):
        with pytest.raises(PermissionDenied):
            file(w, actor=someone, canteen_total="100000", ratio="10")
    assert not Reservation.objects.exists()


def test_bad_numbers_name_their_fields_and_change_nothing(filing_world):
    with pytest.raises(ValidationError) as err:
        file(filing_world, canteen_total="十万", ratio="150")
    assert set(err.value.message_dict) == {"canteen_total", "ratio"}
    with pytest.raises(ValidationError) as err:
        file(filing_world, canteen_total="100000.001", ratio="10")
    assert "canteen_total" in err.value.message_dict
    assert not Reservation.objects.exists()


def test_a_union_target_is_the_larger_standard_of_the_region(filing_world):
    w = filing_world
    union = make_unit(
        "J-SCH1-GH", "金水区第一小学工会", w.jinshui, kind=UnitKind.UNION, owner=w.js_school
    )
    Membership.objects.create(user=w.js_admin, role=Role.UNIT_ADMIN, unit=union)
    r = file(w, unit=union, canteen="", members="40", welfare_total="100000")
    assert r.reserved_amount == Decimal("15000.00")  # 15% of 100000 > 300 × 40
    filing_rules_set(actor=w.js_finance, region=w.jinshui, year=2026, union_per_member="500")
    r = file(w, unit=union, year=2026, canteen="", members="40", welfare_total="100000")
    assert r.reserved_amount == Decimal("20000.00")  # 500 × 40


def test_a_unit_with_a_filing_cannot_turn_to_a_shared_canteen_and_nothing_changes(filing_world):
    w = filing_world
    file(w, canteen_total="100000", ratio="10")
    with pytest.raises(ValidationError) as err:
        file(w, canteen=Canteen.SHARED, host=w.js_dept)
    assert "canteen" in err.value.message_dict
    w.js_school.refresh_from_db()
    assert (w.js_school.canteen, w.js_school.canteen_host) == (Canteen.OWN, None)


def test_a_staff_count_is_kept_and_a_bad_one_is_named(filing_world):
    r = file(filing_world, canteen_total="100000", ratio="10", staff="50")
    assert r.staff == 50
    with pytest.raises(ValidationError) as err:
        file(filing_world, canteen_total="100000", ratio="10", staff="-3")
    assert err.value.message_dict["staff"] == ["请填写大于0的整数"]
    r.refresh_from_db()
    assert r.staff == 50
