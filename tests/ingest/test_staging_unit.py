"""ingest.staging on its own, on SQLite: rows go into the temporary table, the comparison with
the ledger gives the counts created / updated / unchanged, and `apply` writes exactly the created
and updated orders (docs/import-format.md, "The same file twice, and newer files", "Reservations
and the ledger"; ADR 0010). The rows are written as the importer writes them: a tuple in COLUMNS
order. The world fixture's ledger holds J-ORDER-1 of 金水区第一小学: 99.50, ordered 2024-03-01,
completed 2024-03-02, channel 食堂, no supplier, product or origin."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from tests.conftest import make_unit
from zhunong.ingest.models import ImportBatch
from zhunong.ingest.staging import TABLE, TransactionStage
from zhunong.ledger.models import PurchaseLine
from zhunong.regions.models import Region


@pytest.fixture
def stage(world):
    stage = TransactionStage()
    yield stage
    stage.drop()


@pytest.fixture
def batch(db):
    return ImportBatch.objects.create(file_name="new.zip", checksum="1" * 64, size=1)


def row(world, rownum=2, order_no="J-ORDER-1", **change):
    """J-ORDER-1 as the ledger holds it, with the given changes."""
    values = {
        "unit_id": world.js_school.pk,
        "channel": "canteen",
        "amount": Decimal("99.50"),
        "ordered_on": date(2024, 3, 1),
        "completed_on": date(2024, 3, 2),
        "year": 2024,
        "supplier_name": "",
        "product": "",
        "origin_code": "",
    } | change
    return (rownum, order_no, *values.values())


def staged(stage, *rows):
    with stage.writer() as write:
        for r in rows:
            write(r)
    stage.finish()


def line(order_no):
    return PurchaseLine.objects.get(order_no=order_no)


# --- rows in ---------------------------------------------------------------------------------


def test_every_row_written_is_staged_in_the_order_of_the_columns(world, stage):
    staged(
        stage,
        row(world, 2, "T-1", supplier_name="兰考合作社", product="蜜瓜", origin_code="410225"),
        row(world, 3, "T-2", completed_on=None, channel="union"),
    )
    assert stage.rows == 2
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT rownum, order_no, unit_id, channel, ordered_on, completed_on, year, "
            f"supplier_name, product, origin_code FROM {TABLE} ORDER BY rownum"
        )
        found = cur.fetchall()
    unit = world.js_school.pk
    assert found == [
        (
            2,
            "T-1",
            unit,
            "canteen",
            date(2024, 3, 1),
            date(2024, 3, 2),
            2024,
            "兰考合作社",
            "蜜瓜",
            "410225",
        ),
        (3, "T-2", unit, "union", date(2024, 3, 1), None, 2024, "", "", ""),
    ]


def test_more_rows_than_one_batch_of_inserts_are_each_staged_once(world, stage):
    rows = [row(world, n + 2, f"T-{n:05d}") for n in range(10_001)]
    staged(stage, *rows)
    assert stage.rows == 10_001
    assert stage.counts() == (10_001, 0, 0)
    assert stage.duplicates() == []


def test_a_new_stage_starts_empty(world, stage):
    staged(stage, row(world, 2, "T-LEFT-OVER"))
    again = TransactionStage()
    assert again.rows == 0
    assert again.counts() == (0, 0, 0)
    assert again.duplicates() == []


def test_drop_removes_the_staging_table(world, stage):
    staged(stage, row(world))
    stage.drop()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {TABLE}")


# --- counts: created, updated, unchanged ----------------------------------------------------


def test_a_new_order_is_counted_as_created(world, stage):
    staged(stage, row(world, 2, "T-NEW"))
    assert stage.counts() == (1, 0, 0)


def test_an_order_with_the_same_values_is_counted_as_unchanged(world, stage):
    staged(stage, row(world))
    assert stage.counts() == (0, 0, 1)


def test_an_amount_staged_as_text_equals_the_same_amount_in_the_ledger(world, stage):
    # the importer's fast path stages the cell's text ("99.50"), the slow path a Decimal
    staged(stage, row(world, amount="99.50"))
    assert stage.counts() == (0, 0, 1)


@pytest.mark.parametrize(
    "change",
    [
        {"channel": "union"},
        {"amount": Decimal("99.51")},
        {"amount": Decimal("-99.50")},
        {"ordered_on": date(2024, 2, 29)},
        {"completed_on": date(2024, 3, 3)},
        {"completed_on": None},
        {"year": 2025},
        {"supplier_name": "兰考合作社"},
        {"product": "大米"},
        {"origin_code": "410225"},
    ],
    ids=lambda c: next(iter(c)),
)
def test_an_order_that_differs_in_one_value_is_counted_as_updated(world, stage, change):
    staged(stage, row(world, **change))
    assert stage.counts() == (0, 1, 0)


def test_an_order_moved_to_another_unit_is_counted_as_updated(world, stage):
    staged(stage, row(world, unit_id=world.js_school2.pk))
    assert stage.counts() == (0, 1, 0)


def test_a_blank_completion_date_in_the_file_and_the_ledger_is_unchanged(world, stage):
    PurchaseLine.objects.filter(order_no="J-ORDER-1").update(completed_on=None)
    staged(stage, row(world, completed_on=None))
    assert stage.counts() == (0, 0, 1)


def test_counts_of_a_mixed_file(world, stage):
    PurchaseLine.objects.create(
        order_no="J-ORDER-2",
        unit=world.js_school,
        amount=Decimal("10.00"),
        ordered_on=date(2024, 4, 1),
        year=2024,
    )
    staged(
        stage,
        row(world, 2, "J-ORDER-1"),  # unchanged
        # updated: the ledger has no completion date, the file has one
        row(world, 3, "J-ORDER-2", amount=Decimal("10.00"), ordered_on=date(2024, 4, 1)),
        row(world, 4, "T-NEW-1"),
        row(world, 5, "T-NEW-2"),
    )
    assert stage.counts() == (2, 1, 1)


# --- apply: what the ledger holds afterwards -----------------------------------------------------


def test_a_created_order_becomes_a_ledger_line_with_the_staged_values(world, stage, batch):
    staged(
        stage,
        row(
            world,
            2,
            "T-NEW",
            unit_id=world.js_school2.pk,
            channel="employee",
            amount=Decimal("-200.00"),
            ordered_on=date(2024, 3, 6),
            completed_on=date(2024, 3, 7),
            supplier_name="兰考合作社",
            product="退款",
            origin_code="410225",
        ),
    )
    stage.apply(batch.pk)
    new = line("T-NEW")
    assert (
        new.unit_id,
        new.channel,
        new.amount,
        new.ordered_on,
        new.completed_on,
        new.year,
        new.supplier_name,
        new.product,
        new.origin_code,
        new.account_id,
        new.source_batch_id,
    ) == (
        world.js_school2.pk,
        "employee",
        Decimal("-200.00"),
        date(2024, 3, 6),
        date(2024, 3, 7),
        2024,
        "兰考合作社",
        "退款",
        "410225",
        None,
        batch.pk,
    )
    assert new.recorded_at is not None


@pytest.mark.parametrize("amount", ["999999999999.99", "-999999999999.99", "0.01", "1234.50"])
def test_amounts_are_written_to_the_fen(world, stage, batch, amount):
    staged(stage, row(world, 2, "T-NEW", amount=amount))
    stage.apply(batch.pk)
    assert line("T-NEW").amount == Decimal(amount)


def test_an_unchanged_order_is_not_written_and_keeps_its_source(world, stage, batch):
    staged(stage, row(world))
    stage.apply(batch.pk)
    assert line("J-ORDER-1").source_batch_id == world.js_batch.pk
    assert PurchaseLine.objects.count() == 1


def test_an_updated_order_takes_the_file_values_and_the_new_source(world, stage, batch):
    recorded = line("J-ORDER-1").recorded_at
    staged(stage, row(world, amount=Decimal("120.00"), supplier_name="兰考合作社"))
    stage.apply(batch.pk)
    updated = line("J-ORDER-1")
    assert (updated.amount, updated.supplier_name, updated.source_batch_id) == (
        Decimal("120.00"),
        "兰考合作社",
        batch.pk,
    )
    assert updated.recorded_at == recorded
    assert PurchaseLine.objects.count() == 1  # an order is never doubled


def test_a_later_file_that_completes_an_order_updates_its_completion_date(world, stage, batch):
    PurchaseLine.objects.filter(order_no="J-ORDER-1").update(completed_on=None)
    staged(stage, row(world, completed_on=date(2024, 3, 9)))
    assert stage.counts() == (0, 1, 0)
    stage.apply(batch.pk)
    assert line("J-ORDER-1").completed_on == date(2024, 3, 9)


def test_a_blank_completion_date_in_a_later_file_clears_it(world, stage, batch):
    staged(stage, row(world, completed_on=None))
    stage.apply(batch.pk)
    assert line("J-ORDER-1").completed_on is None


def test_the_ordering_account_of_an_updated_line_is_kept(world, stage, batch):
    PurchaseLine.objects.filter(order_no="J-ORDER-1").update(account=world.js_school_trade)
    staged(stage, row(world, amount=Decimal("1.00")))
    stage.apply(batch.pk)
    assert line("J-ORDER-1").account_id == world.js_school_trade.pk


# --- repeated and foreign orders -----------------------------------------------------------------


def test_repeated_order_numbers_are_listed_with_their_rows_first_repeat_first(world, stage):
    staged(
        stage,
        row(world, 2, "T-A"),
        row(world, 3, "T-B"),
        row(world, 4, "T-B"),
        row(world, 5, "T-A"),
        row(world, 6, "T-C"),
        row(world, 7, "T-A"),
    )
    assert stage.duplicates() == [("T-A", [2, 5, 7]), ("T-B", [3, 4])]
    assert stage.duplicates(limit=1) == [("T-A", [2, 5, 7])]


def test_a_file_without_repeats_has_no_duplicates(world, stage):
    staged(stage, row(world, 2, "T-A"), row(world, 3, "T-B"))
    assert stage.duplicates() == []


def test_an_order_the_ledger_holds_for_a_unit_outside_the_scope_is_foreign(world, stage):
    staged(stage, row(world, 2, "T-NEW"), row(world, 3, "J-ORDER-1"))
    assert stage.foreign_orders(world.erqi.path) == [(3, "J-ORDER-1")]


@pytest.mark.parametrize("scope", ["jinshui", "city"])
def test_an_order_of_a_unit_in_the_scope_or_below_it_is_not_foreign(world, stage, scope):
    staged(stage, row(world, 2, "T-NEW"), row(world, 3, "J-ORDER-1"))
    assert stage.foreign_orders(getattr(world, scope).path) == []


def test_a_region_whose_code_starts_like_the_scope_is_still_outside_it(world, stage):
    # 410105 is 金水区; the zone 4101059 shares the digits but not the path "…/410105/"
    zone = Region.objects.create(
        code="4101059", name="测试功能区", parent=world.city, level="zone", is_builtin=False
    )
    unit = make_unit("Z-1", "功能区单位", zone)
    PurchaseLine.objects.create(
        order_no="Z-ORDER", unit=unit, amount=1, ordered_on=date(2024, 1, 2), year=2024
    )
    staged(stage, row(world, 2, "Z-ORDER"))
    assert stage.foreign_orders(world.jinshui.path) == [(2, "Z-ORDER")]


# --- the rows' text on the way in (PostgreSQL's COPY; batched inserts on SQLite) -----------------


@pytest.mark.parametrize(
    "text",
    ["反斜杠\\结尾\\", "制表\t符", "换\n行", "回车\r符", "\\N", "'=1+1", " 空格 "],
    ids=["backslash", "tab", "newline", "return", "null-marker", "apostrophe", "spaces"],
)
def test_text_with_escape_characters_is_staged_exactly(world, stage, text):
    staged(
        stage,
        row(world, 2, f"T-{text}", supplier_name=text, product=text, amount=Decimal("1.50")),
        row(world, 3, "T-PLAIN", supplier_name=text, product="蜜瓜", amount="2.50"),
    )
    with connection.cursor() as cur:
        cur.execute(f"SELECT order_no, supplier_name, product, amount FROM {TABLE} ORDER BY rownum")
        found = cur.fetchall()
    assert found == [
        (f"T-{text}", text, text, Decimal("1.50")),
        ("T-PLAIN", text, "蜜瓜", Decimal("2.50")),
    ]


def test_a_row_without_a_unit_or_completion_date_is_staged_with_nulls(world, stage):
    staged(stage, row(world, 2, "T-NULLS", unit_id=None, completed_on=None))
    with connection.cursor() as cur:
        cur.execute(f"SELECT unit_id, completed_on, ordered_on FROM {TABLE}")
        assert cur.fetchall() == [(None, None, date(2024, 3, 1))]


def test_more_rows_than_one_written_block_are_each_staged_once(world, stage):
    rows = [row(world, n + 2, f"T-{n:05d}", amount=f"{n}.01") for n in range(12_345)]
    staged(stage, *rows)
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*), COUNT(DISTINCT order_no), MAX(rownum) FROM {TABLE}")
        counts = cur.fetchone()
        cur.execute(f"SELECT order_no, amount FROM {TABLE} WHERE rownum = 12346")
        last = cur.fetchone()
    assert counts == (12_345, 12_345, 12_346)
    assert (last[0], Decimal(str(last[1]))) == ("T-12344", Decimal("12344.01"))
