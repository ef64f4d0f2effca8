"""The amount/ratio arithmetic of a filing (reservations/rules.py), for any figures."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from zhunong.reservations.rules import amount_of, ratio_of, union_target

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
)
def test_a_union_target_is_the_larger_of_the_two_standards(members, welfare):
    target = union_target(members, welfare, Decimal("300"), Decimal("15"))
    per_head = Decimal(300 * members)
    share = (welfare * Decimal("0.15")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert target == max(per_head, share)
    assert target >= per_head and target >= share
