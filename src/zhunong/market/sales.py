"""A supplier's sales, imported or not: ledger lines linked to the marketplace's suppliers.

Imported lines name their supplier as text (platform-export-v1 has no credit-code column), so a
line is linked to the supplier of that exact name registered in the line's origin county — only
when there is exactly one. Linking runs after every import (for the batch's lines) and when a
supplier is admitted (for the lines already imported in its name).
"""

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from zhunong import access

LINK = (
    "UPDATE ledger_purchaseline SET supplier_id = ("
    "SELECT MIN(s.id) FROM market_supplier s "
    "WHERE s.name = ledger_purchaseline.supplier_name AND s.county_id = ledger_purchaseline.origin_code"
    " HAVING COUNT(*) = 1) "
    "WHERE supplier_id IS NULL AND supplier_name <> '' AND origin_code <> '' "
    # only the lines a supplier of that name and county exists for: rewriting the others (most
    # of an import, often) to the same NULL would cost a new version of every line
    "AND EXISTS (SELECT 1 FROM market_supplier s WHERE s.name = ledger_purchaseline.supplier_name "
    "AND s.county_id = ledger_purchaseline.origin_code)"
)


def link_lines(*, batch_id: int | None = None, supplier=None) -> int:
    """Links unlinked lines (of one import, or named like one supplier); returns how many."""
    sql, params = LINK, []
    if batch_id is not None:
        sql += " AND source_batch_id = %s"
        params.append(batch_id)
    if supplier is not None:
        sql += " AND supplier_name = %s AND origin_code = %s"
        params += [supplier.name, supplier.county_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def visible_sales(user) -> QuerySet:
    """Ledger lines of the suppliers in the user's reach: a supplier its own, a county's rural
    bureau those of its county's suppliers, the operator all."""
    from zhunong.ledger.models import PurchaseLine

    suppliers = access.visible_suppliers(user)
    return PurchaseLine.objects.filter(supplier_id__in=suppliers.values("pk"))


def sales_by_year(lines: QuerySet) -> list[dict]:
    """Completed and ordered-not-completed amounts and order counts per year."""
    from zhunong.ledger.rollups import money

    rows = (
        lines.values("year")
        .annotate(
            completed=Sum("amount", filter=Q(completed_on__isnull=False)),
            pending=Sum("amount", filter=Q(completed_on__isnull=True)),
            orders=Count("id"),
        )
        .order_by("-year")
    )
    return [{**r, "completed": money(r["completed"]), "pending": money(r["pending"])} for r in rows]


def sales_by_month(lines: QuerySet, year: int) -> list[dict]:
    """Completed amounts per month of a year (all twelve months, for a chart)."""
    from zhunong.ledger.rollups import money

    done = lines.filter(year=year, completed_on__isnull=False)
    by_month = {m: money(0) for m in range(1, 13)}
    for row in done.values("completed_on", "amount"):
        by_month[row["completed_on"].month] += row["amount"]
    return [{"month": f"{year}-{m:02d}", "completed": money(v)} for m, v in by_month.items()]
