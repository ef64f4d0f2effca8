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
    key: str  # the sub-region's code ("total" for 合计, "own" for the region's own units)
    name: str
    task: Decimal | None
    completed: Decimal
    reserved: Decimal
    settable: bool = False  # only a sub-region is handed a task
    # what the ratio holds against the task where that is not `completed`: for 合计, the
    # completed amounts of the rows that were handed a task
    measured: Decimal | None = None

    @property
    def ratio(self) -> Decimal | None:
        done = self.completed if self.measured is None else self.measured
        return rate(done, self.task) if self.task else None


def tasks_of(region, year: int) -> dict[str, Decimal]:
    """The tasks set for the region's sub-regions, by sub-region code."""
    return dict(
        BuyingTask.objects.filter(region__parent=region, year=year).values_list(
            "region_id", "amount"
        )
    )


def task_rows(table) -> list[TaskRow]:
    """合计, then every row of the table in its order. 合计's completed and reserved amounts are the
    progress table's own 合计 (本级 included), so the two pages print the same totals; its task is
    the sum of the tasks set, and its ratio the completed amounts of the sub-regions handed a task
    over that sum: 本级's purchases, and a sub-region's without a task, would otherwise count as
    progress on tasks nobody was handed. 本级 is listed for its figures but gets no task: a bureau
    hands tasks to sub-regions, and its own units are its own to answer for. A table without
    sub-regions (a county's departments) has no rows to set a task for and gives an empty list."""
    children = set(table.region.children.values_list("code", flat=True))
    if not children:
        return []
    tasks = tasks_of(table.region, table.year)
    rows = [
        TaskRow(
            r.key,
            r.name,
            tasks.get(r.key),
            r.completed,
            r.reserved,
            settable=r.key in children,
        )
        for r in table.rows
    ]
    set_ = [r.task for r in rows if r.task is not None]
    total = TaskRow(
        "total",
        "合计",
        sum(set_, Decimal("0.00")) if set_ else None,
        table.total.completed,
        table.total.reserved,
        # a task of 0 is no task to measure against (its own row shows no ratio either)
        measured=sum((r.completed for r in rows if r.task), Decimal("0.00")),
    )
    return [total, *rows]
