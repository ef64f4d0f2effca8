"""Per-unit figures (completed, ordered and not completed, as of the cut-off): the same whether
summed with the table in one pass over the lines or on their own (a table from the rollups)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from tests.supervision.conftest import corrected_filing, line, table
from zhunong.regions.models import Region
from zhunong.reservations.models import Reservation
from zhunong.supervision.unitfigures import unit_figures


def test_completed_and_pending_per_unit_as_of_the_cutoff(city_world):
    w = city_world
    # 金水区第二小学's lines, as of 31 July 2024:
    line(w.js_school2, "U1", "100.00", date(2024, 3, 1))  # completed: counts
    line(w.js_school2, "U2", "20.00", None, ordered=date(2024, 7, 1))  # open: pending
    line(w.js_school2, "U3", "30.00", date(2025, 1, 10), ordered=date(2024, 7, 2))  # later: pending
    line(w.js_school2, "U4", "40.00", None, ordered=date(2024, 8, 1))  # ordered after: neither
    line(w.js_school2, "U5", "50.00", None, ordered=date(2023, 5, 1))  # last year's: neither
    line(w.js_school2, "U6", "60.00", date(2024, 6, 30), ordered=date(2024, 7, 3))  # early: done
    t = table(Region.objects.get(code="410100"))
    assert t.facts is not None
    shared = unit_figures(t)[w.js_school2.pk]
    assert (shared.completed, shared.pending) == (Decimal("160.00"), Decimal("50.00"))
    # the same figures when the table brings no sums (as one from the rollups)
    alone = unit_figures(replace(t, facts=None))
    assert alone == unit_figures(t)


def test_a_filing_corrected_after_the_cutoff_shows_its_figures_of_the_date(city_world):
    w = city_world
    Reservation.objects.filter(unit=w.js_school2, year=2024).delete()
    corrected_filing(w.js_school2)
    city = Region.objects.get(code="410100")
    for as_of, reserved in ((date(2024, 7, 31), "10000.00"), (date(2024, 9, 1), "12000.00")):
        t = table(city, as_of=as_of)
        for figures in (unit_figures(t), unit_figures(replace(t, facts=None))):
            assert figures[w.js_school2.pk].reserved == Decimal(reserved), as_of
