"""The amount/ratio arithmetic of a filing (reservations/rules.py), for any figures."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import make_unit
from zhunong.orgs.models import Membership, Role, UnitKind
from zhunong.reservations.rules import amount_of, ratio_of, union_target
from zhunong.reservations.services import filing_rules_set, reservation_file

totals = st.integers(min_value=1, max_value=10**13).map(lambda c: Decimal(c) / 100)
ratios = st.integers(min_value=0, max_value=10_000).map(lambda c: Decimal(c) / 100)


def test_known_values_round_half_up_to_the_fen():
    assert amount_of(Decimal("12345.67"), Decimal("10")) == Decimal("1234.57")  # 1234.567
    assert amount_of(Decimal("0.05"), Decimal("10")) == Decimal("0.01")  # 0.005 rounds up
    assert amount_of(Decimal("0.04"), Decimal("10")) == Decimal("0.00")
    assert ratio_of(Decimal("3"), Decimal("1")) == Decimal("33.33")
    assert ratio_of(Decimal("8"), Decimal("1")) == Decimal("12.50")
    assert ratio_of(Decimal("0"), Decimal("0")) == Decimal("0.00")


@given(totals, ratios)
def test_an_amount_from_a_ratio_is_within_half_a_fen_of_the_exact_product(total, ratio):
    amount = amount_of(total, ratio)
    assert amount == amount.quantize(Decimal("0.01"))
    assert abs(amount - total * ratio / 100) <= Decimal("0.005")


@given(totals, st.integers(min_value=0, max_value=10**13).map(lambda c: Decimal(c) / 100))
def test_a_ratio_from_an_amount_is_within_half_a_basis_point(total, amount):
    ratio = ratio_of(total, amount)
    assert abs(ratio - amount * 100 / total) <= Decimal("0.005")


@given(totals, ratios, ratios)
def test_a_higher_ratio_never_gives_a_smaller_amount(total, a, b):
    low, high = sorted((a, b))
    assert amount_of(total, low) <= amount_of(total, high)


@given(
    st.integers(min_value=1, max_value=100_000),
    st.integers(min_value=0, max_value=10**12).map(lambda c: Decimal(c) / 100),
    st.integers(min_value=0, max_value=100_000).map(lambda c: Decimal(c) / 100),
    ratios,
)
def test_a_union_target_is_the_larger_of_the_two_standards(
    members, welfare, per_member, welfare_ratio
):
    """Whatever a region sets: the target is at least each standard (the welfare share within
    half a fen of its exact value), and it is one of the two."""
    target = union_target(members, welfare, per_member, welfare_ratio)
    per_head = per_member * members  # exact: fen times a whole number
    exact_share = welfare * welfare_ratio / 100
    assert target == target.quantize(Decimal("0.01"))
    assert target >= per_head
    assert target >= exact_share - Decimal("0.005")
    assert target == per_head or abs(target - exact_share) <= Decimal("0.005")


def test_a_union_filing_uses_its_regions_own_welfare_ratio(filing_world):
    """金水区 sets 20% of the welfare total (the national default is 15%): 40 members and
    100,000 yuan give 20,000 (20% > 300 × 40 = 12,000; 15% would give 15,000)."""
    w = filing_world
    filing_rules_set(actor=w.js_finance, region=w.jinshui, year=2025, union_welfare_ratio="20")
    union = make_unit(
        "J-SCH1-GH", "金水区第一小学工会", w.jinshui, kind=UnitKind.UNION, owner=w.js_school
    )
    Membership.objects.create(user=w.js_admin, role=Role.UNIT_ADMIN, unit=union)
    filed = reservation_file(
        actor=w.js_admin, unit=union, year=2025, canteen="", members="40", welfare_total="100000"
    )
    assert filed.reserved_amount == Decimal("20000.00")
    # another district, without a ratio of its own, keeps the national 15%
    other = make_unit("E-GH", "二七区蓝天小学工会", w.erqi, kind=UnitKind.UNION, owner=w.eq_school)
    Membership.objects.create(user=w.eq_admin, role=Role.UNIT_ADMIN, unit=other)
    national = reservation_file(
        actor=w.eq_admin, unit=other, year=2025, canteen="", members="40", welfare_total="100000"
    )
    assert national.reserved_amount == Decimal("15000.00")
