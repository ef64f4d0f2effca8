"""Buying tasks (下达任务): the amount a bureau hands each sub-region for the year, and how far the
sub-region's completed purchases have come against it as of a date.

The completed amount is the progress table's (as of the same date, the same rules), so the task
list and the table never disagree; a sub-region without a task shows "—" for its ratio."""

from dataclasses import dataclass
from decimal import Decimal

from .models import BuyingTask
from .numbers import rate


@dataclass
class TaskRow:
    key: str  # the sub-region's code ("total" for the sum)
    name: str
    task: Decimal | None
    completed: Decimal
    reserved: Decimal

    @property
    def ratio(self) -> Decimal | None:
        return rate(self.completed, self.task) if self.task else None


def tasks_of(region, year: int) -> dict[str, Decimal]:
    """The tasks set for the region's sub-regions, by sub-region code."""
    return dict(
        BuyingTask.objects.filter(region__parent=region, year=year).values_list(
            "region_id", "amount"
        )
    )


def task_rows(table) -> list[TaskRow]:
    """合计 (the tasks set and what those sub-regions completed), then one row per sub-region of
    the table, in its order."""
    tasks = tasks_of(table.region, table.year)
    children = set(table.region.children.values_list("code", flat=True))
    rows = [
        TaskRow(r.key, r.name, tasks.get(r.key), r.completed, r.reserved)
        for r in table.rows
        if r.key in children
    ]
    with_task = [r for r in rows if r.task is not None]
    total = TaskRow(
        "total",
        "合计",
        sum((r.task for r in with_task), Decimal("0.00")) if with_task else None,
        sum((r.completed for r in with_task), Decimal("0.00")),
        sum((r.reserved for r in with_task), Decimal("0.00")),
    )
    return [total, *rows]
