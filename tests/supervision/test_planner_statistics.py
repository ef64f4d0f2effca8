"""A refresh that rewrites the tally or the per-unit sums of many units gives PostgreSQL's planner
fresh statistics of those tables once it commits (zhunong.planner, docs/decisions/0032): pages
read them right after the worker's refresh of a first import, and a plan made from the tables'
figures of before walked the whole tally for a city's units. A small refresh leaves it to
autovacuum. ANALYZE is PostgreSQL's, so this runs there (CI runs the suite on PostgreSQL too).

The planner's count of a table's rows is written in place by ANALYZE, not undone with a test's
transaction: each test counts the units itself first (`count_units`)."""

from datetime import date

import pytest
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_unit
from tests.ingest.conftest import base_rows, write_folder
from tests.ingest.test_import import run
from tests.supervision.conftest import line
from zhunong import planner
from zhunong.ledger import rollups
from zhunong.ledger.models import UnitDay, UnitMonth
from zhunong.orgs.models import Account, Unit
from zhunong.reservations.models import FilingStep, Reservation
from zhunong.supervision import tally
from zhunong.supervision.models import RegionTally, TallyMark, UnitTally

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="ANALYZE is PostgreSQL's"),
    pytest.mark.django_db,
]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """What runs once a refresh commits runs at the end of the block (a test's transaction
    never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def analyzed(queries) -> set[str]:
    return {
        q["sql"].split()[1].strip('"') for q in queries if q["sql"].upper().startswith("ANALYZE")
    }


def count_units() -> None:
    with connection.cursor() as cur:
        cur.execute("ANALYZE orgs_unit")


def planner_rows(model) -> float:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table]
        )
        return cur.fetchone()[0]


def test_a_rebuilt_tally_is_analyzed_with_its_rows(world, monkeypatch, committed):
    monkeypatch.setattr(planner, "ANALYZE_FROM_UNITS", 1)
    count_units()
    with CaptureQueriesContext(connection) as queries, committed():
        tally.rebuild()
        assert analyzed(queries) == set()  # not while the rebuild holds its locks
    assert analyzed(queries) == {"supervision_unittally", "supervision_regiontally"}
    # the planner now counts the rows the rebuild wrote
    assert UnitTally.objects.count() > 0
    assert planner_rows(UnitTally) == UnitTally.objects.count()
    assert planner_rows(RegionTally) == RegionTally.objects.count()


def test_a_refresh_of_a_few_units_is_left_to_autovacuum(world, committed):
    tally.refresh()  # the world's own records marked their units
    count_units()  # fewer than ten: one unit would be a tenth of them
    TallyMark.objects.create(unit_id=world.js_school.pk)
    with CaptureQueriesContext(connection) as queries, committed():
        assert tally.refresh() == 1
    assert analyzed(queries) == set()  # fewer than ANALYZE_FROM_UNITS


def test_a_refresh_of_less_than_a_tenth_of_all_units_is_left_to_autovacuum(
    world, monkeypatch, committed
):
    monkeypatch.setattr(planner, "ANALYZE_FROM_UNITS", 1)
    for n in range(20):
        make_unit(f"P{n:02d}", f"单位{n}", world.jinshui)
    tally.refresh()  # the units' records marked them
    count_units()  # the world's units and 20 more
    units = list(Unit.objects.values_list("id", flat=True))
    tenth = -(-len(units) // 10)
    for unit_id in units[: tenth - 1]:
        TallyMark.objects.create(unit_id=unit_id)
    with CaptureQueriesContext(connection) as queries, committed():
        assert tally.refresh() == tenth - 1
    assert analyzed(queries) == set()

    for unit_id in units[:tenth]:
        TallyMark.objects.create(unit_id=unit_id)
    with CaptureQueriesContext(connection) as queries, committed():
        assert tally.refresh() == tenth
    assert analyzed(queries) == {"supervision_unittally", "supervision_regiontally"}


def test_the_per_unit_sums_refreshed_for_many_units_are_analyzed(world, monkeypatch, committed):
    monkeypatch.setattr(planner, "ANALYZE_FROM_UNITS", 1)
    count_units()  # the world's few units: two of them are a tenth
    with transaction.atomic(), rollups.deferred_unit_sums(rollups.DEFER_FROM):
        line(world.js_school, "A1", "10.00", date(2024, 5, 2)).save()
        line(world.eq_school, "A2", "20.00", date(2024, 5, 3)).save()
    with CaptureQueriesContext(connection) as queries, committed():
        assert rollups.refresh_marked() == 2
    assert analyzed(queries) == {"ledger_unit_day", "ledger_unit_month"}
    assert planner_rows(UnitDay) == UnitDay.objects.count()
    assert planner_rows(UnitMonth) == UnitMonth.objects.count()


def test_units_refreshed_before_the_ledger_was_found_busy_are_analyzed(
    world, monkeypatch, committed
):
    """The retry a minute later may have too few units left to analyze: the chunks committed
    before the busy one count."""
    monkeypatch.setattr(planner, "ANALYZE_FROM_UNITS", 1)
    count_units()  # the world's few units: two of them are a tenth
    with transaction.atomic(), rollups.deferred_unit_sums(rollups.DEFER_FROM):
        line(world.js_school, "B1", "10.00", date(2024, 5, 2)).save()
        line(world.eq_school, "B2", "20.00", date(2024, 5, 3)).save()
        line(world.city_school, "B3", "30.00", date(2024, 5, 4)).save()
    locks = []

    def busy_the_second_time(execute, sql, params, many, context):
        if sql.startswith("LOCK TABLE ledger_purchaseline"):
            locks.append(sql)
            if len(locks) == 2:  # as PostgreSQL says when the lock timeout runs out
                raise OperationalError("canceling statement due to lock timeout")
        return execute(sql, params, many, context)

    with (
        CaptureQueriesContext(connection) as queries,
        committed(),
        connection.execute_wrapper(busy_the_second_time),
        pytest.raises(rollups.LedgerBusy),
    ):
        rollups.refresh_marked(chunk=2)
    assert len(rollups.marked_units()) == 1  # left for the retry
    assert analyzed(queries) == {"ledger_unit_day", "ledger_unit_month"}


def test_a_failed_analyze_is_logged_and_never_fails_the_refresh(world, caplog):
    planner._analyze(["no_such_table"])  # as after a refresh's commit
    assert "ANALYZE of no_such_table failed after a refresh" in caplog.text


def test_a_first_import_analyzes_the_units_accounts_and_filings_it_wrote(
    tmp_path, monkeypatch, committed
):
    monkeypatch.setattr(planner, "ANALYZE_FROM_UNITS", 1)
    count_units()  # none yet: the import writes all of them
    export = write_folder(tmp_path / "export", base_rows())
    tables = {"orgs_unit", "orgs_account", "reservations_reservation", "reservations_filingstep"}
    with CaptureQueriesContext(connection) as queries, committed():
        batch = run(export)
        # not while the import holds its transaction (its own temporary tables are analyzed)
        assert not tables & analyzed(queries)
    assert batch.state == "succeeded", batch.report["errors"]
    assert tables <= analyzed(queries)
    for model in (Unit, Account, Reservation, FilingStep):
        assert planner_rows(model) == model.objects.count() > 0


def test_an_import_that_changes_no_unit_is_left_to_autovacuum(tmp_path, monkeypatch, committed):
    monkeypatch.setattr(planner, "ANALYZE_FROM_UNITS", 1)
    export = write_folder(tmp_path / "export", base_rows())
    run(export)
    count_units()
    with CaptureQueriesContext(connection) as queries, committed():
        again = run(export)  # the same file: every unit unchanged
    assert again.state == "succeeded"
    assert "orgs_unit" not in analyzed(queries)
