"""`field__among=values`: one of a long list, sent as one parameter — the same rows as `__in`."""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from zhunong.fields import many
from zhunong.orgs.models import Account, Unit


@pytest.fixture
def units(world):
    return list(Unit.objects.order_by("pk"))


def test_among_finds_what_in_finds_for_ids_codes_and_foreign_keys(world, units):
    some = [u.pk for u in units[::2]] + [10**9]  # one that does not exist
    assert list(Unit.objects.filter(pk__among=some)) == list(Unit.objects.filter(pk__in=some))
    codes = [u.code for u in units[1::2]]
    assert list(Unit.objects.filter(code__among=codes)) == list(Unit.objects.filter(code__in=codes))
    assert set(Account.objects.filter(unit_id__among=some)) == set(
        Account.objects.filter(unit_id__in=some)
    )
    assert Account.objects.filter(unit_id__among=some).exists()
    assert list(Unit.objects.filter(~Q(pk__among=some))) == list(Unit.objects.exclude(pk__in=some))


def test_among_nothing_is_nothing(world):
    assert not Unit.objects.filter(pk__among=[]).exists()
    assert Unit.objects.exclude(pk__among=[]).count() == Unit.objects.count()


def test_a_long_list_is_one_parameter(world, units):
    ids = [u.pk for u in units] + list(range(10**6, 10**6 + 5_000))
    with CaptureQueriesContext(connection) as queries:
        found = Unit.objects.filter(pk__among=ids).count()
    assert found == len(units)
    # thousands of ids are one array (PostgreSQL) or one JSON text (SQLite), not 5,000 parameters
    sql = queries.captured_queries[0]["sql"]
    assert ("= ANY(" in sql) if connection.vendor == "postgresql" else ("json_each(" in sql)


def test_a_text_longer_than_the_column_is_not_cut_to_match(world, units):
    code = units[0].code
    assert not Unit.objects.filter(code__among=[code + "X" * 60]).exists()
    assert Unit.objects.filter(code__among=[code]).exists()


def test_text_with_quotes_commas_and_backslashes_is_matched_exactly(world, units):
    odd = ['a,"b"\\c{d}', "NULL", " spaced ", "中文"]
    for n, code in enumerate(odd):
        Unit.objects.filter(pk=units[n].pk).update(code=code)
    assert set(Unit.objects.filter(code__among=odd).values_list("code", flat=True)) == set(odd)
    assert not Unit.objects.filter(code__among=['a,"b"\\c{d']).exists()
    assert not Unit.objects.filter(code__among=["a", '"b"\\c{d}']).exists()


def test_many_wraps_a_long_list_and_finds_the_same_rows(world, units):
    some = {u.pk for u in units[::3]}
    assert set(Unit.objects.filter(pk__among=many(some))) == set(Unit.objects.filter(pk__in=some))
    assert set(Account.objects.filter(unit_id__among=many(some))) == set(
        Account.objects.filter(unit_id__in=some)
    )
    assert not Unit.objects.filter(pk__among=many([])).exists()
