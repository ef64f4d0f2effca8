"""zhunong.sorting: a column the page offers, either way, ties in the page's order, rows without
a value last both ways; anything else leaves the page's own order."""

from types import SimpleNamespace

from django.test import RequestFactory

from zhunong import sorting

COLUMNS = {"ratio": lambda r: r.ratio}


def rows(*ratios):
    return [SimpleNamespace(name=f"r{n}", ratio=x) for n, x in enumerate(ratios)]


def names(found):
    return [r.name for r in found]


def test_rows_without_a_value_go_last_both_ways_and_ties_keep_their_order():
    listed = rows(None, 2, 1, None, 2)
    up = sorting.sorted_rows(listed, sorting.Sort("ratio"), COLUMNS)
    down = sorting.sorted_rows(listed, sorting.Sort("ratio", descending=True), COLUMNS)
    assert names(up) == ["r2", "r1", "r4", "r0", "r3"]
    assert names(down) == ["r1", "r4", "r2", "r0", "r3"]


def test_only_an_offered_column_is_taken():
    ask = RequestFactory().get
    assert sorting.chosen(ask("/", {"sort": "-ratio"}), COLUMNS) == sorting.Sort("ratio", True)
    for odd in ("pk", "--ratio", "-", "ratio); drop table x", ""):
        assert sorting.chosen(ask("/", {"sort": odd}), COLUMNS) == sorting.Sort()
    assert sorting.sorted_rows(rows(3, 1), sorting.Sort(), COLUMNS)[0].ratio == 3
