"""The drill-down of a completed amount knows how many lines it lists from the per-unit sums, and
that number is the number of lines its query finds: by any date, whatever the lines' years and
states, and for units whose sums wait for the worker after a large import."""

from datetime import date

import pytest

from tests.supervision.conftest import line
from zhunong.ledger.models import UnitSumsMark
from zhunong.orgs.models import Unit
from zhunong.regions.models import Region
from zhunong.supervision.drill import drill
from zhunong.supervision.queries import progress_table_as_of


@pytest.mark.parametrize(
    "as_of", [date(2024, 3, 31), date(2024, 5, 1), date(2024, 7, 31), date(2024, 12, 31)]
)
def test_the_count_of_completed_lines_is_the_lines_listed(city_world, as_of):
    w = city_world
    line(w.js_school2, "D1", "10.00", date(2024, 3, 1))
    line(w.js_school2, "D2", "20.00", date(2024, 5, 1), ordered=date(2024, 4, 1))
    line(w.js_school2, "D3", "30.00", None, ordered=date(2024, 6, 1))  # open: not listed
    line(w.js_school2, "D4", "40.00", date(2025, 1, 2), ordered=date(2024, 12, 1))  # next year
    line(w.js_school2, "D5", "-5.00", date(2024, 7, 31))  # a refund is a line too
    line(w.js_school2, "D6", "60.00", date(2024, 6, 30), ordered=date(2024, 7, 3))  # early
    UnitSumsMark.objects.create(unit_id=w.eq_school.pk)  # its sums wait for the worker
    t = progress_table_as_of(
        region=Region.objects.get(code="410100"),
        year=2024,
        as_of=as_of,
        units_qs=Unit.objects.all(),
    )
    for row in t.all_rows():
        records = drill(t, row.key, "completed")
        assert records.count is not None
        assert records.count == records.queryset.count(), (row.key, as_of)
    assert drill(t, "total", "completed").count > 0
