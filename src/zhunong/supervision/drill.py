"""Drill-down: the records behind one figure of the progress table, as of the same cut-off date.

A figure may stand for hundreds of thousands of ledger lines, so the records are a query, not a
list: the page reads one page of it (sorted in the database), the workbook streams all of it."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import Prefetch, QuerySet

from zhunong.fields import many
from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import Account, AccountKind, Unit
from zhunong.orgs.queries import account_states_on
from zhunong.reservations.models import Reservation

from .queries import ProgressTable

MEASURES = {
    "units": "预算单位",
    "units_activated": "已激活的预算单位",
    "trading": "采购人账号",
    "trading_activated": "已激活的采购人账号",
    "canteen_total": "年度食堂食材采购总额（填报）",
    "reserved": "预留金额（填报）",
    "completed": "已完成交易（台账）",
}


@dataclass
class Records:
    """The records of one figure: column heads, the query, how a record becomes a row, and the
    columns a reader may sort by (column head → the query's field). The query's own order is
    the default; a sort always ends with the primary key so pages never overlap."""

    header: list[str]
    queryset: QuerySet
    row_of: Callable[[object], list]
    sorts: dict[str, str] = field(default_factory=dict)
    count: int | None = None  # how many, when known without counting the query's rows

    def sorted(self, column: str, descending: bool = False) -> "Records":
        by = self.sorts.get(column)
        if by is None:
            return self
        order = f"-{by}" if descending else by
        return replace(self, queryset=self.queryset.order_by(order, "pk"))

    def rows(self) -> Iterator[list]:
        """Every record as a row, streamed (for the workbook)."""
        for record in self.queryset.iterator(chunk_size=5000):
            yield self.row_of(record)


def drill(table: ProgressTable, row_key: str, measure: str) -> Records | None:
    """The records a figure counts or sums; None for a row or measure the table does not have."""
    row = next((r for r in table.all_rows() if r.key == row_key), None)
    if row is None or measure not in MEASURES:
        return None
    ids = row.members.get(measure, [])
    as_of: date = table.as_of
    if measure in ("units", "units_activated"):
        # the unit's management account opened by the date (the latest, should there be two)
        management = Account.objects.filter(kind="management", opened_on__lte=as_of).order_by("-id")

        def unit_row(u):
            account = next(iter(u.management), None)
            return [
                u.code,
                u.name,
                u.region.name,
                getattr(account, "login", ""),
                _d(getattr(account, "opened_on", None)),
                _d(getattr(account, "activated_on", None), as_of),
            ]

        return Records(
            ["单位编码", "单位名称", "区划", "管理账号", "开通日期", "激活日期"],
            Unit.objects.filter(id__among=many(ids))
            .select_related("region")
            .prefetch_related(Prefetch("accounts", management, to_attr="management"))
            .order_by("code"),
            unit_row,
            {"单位编码": "code", "单位名称": "name"},
        )
    if measure in ("trading", "trading_activated"):
        # the members are the units whose trading accounts the figure counts (from the tally):
        # their accounts are those not stopped on the date, and for 已激活 active then
        states = account_states_on(
            Account.objects.filter(unit_id__among=many(ids), kind=AccountKind.TRADING), as_of
        )
        ids = [
            a["id"] for a in states if not a["stopped"] and (measure == "trading" or a["active"])
        ]
        return Records(
            ["账号", "单位编码", "单位名称", "开通日期", "激活日期", "停用日期"],
            Account.objects.filter(id__among=many(ids))
            .select_related("unit")
            .order_by("unit__code", "login"),
            lambda a: [
                a.login,
                a.unit.code,
                a.unit.name,
                _d(a.opened_on),
                _d(a.activated_on, as_of),
                _d(a.deactivated_on),
            ],
            {"账号": "login", "单位编码": "unit__code", "开通日期": "opened_on"},
        )
    if measure in ("canteen_total", "reserved"):
        return Records(
            [
                "单位编码",
                "单位名称",
                "年度",
                "年度食堂食材采购总额（元）",
                "预留比例（%）",
                "预留金额（元）",
                "填报日期",
                "状态",
            ],
            Reservation.objects.filter(id__among=many(ids))
            .select_related("unit")
            .order_by("unit__code"),
            lambda r: [
                r.unit.code,
                r.unit.name,
                r.year,
                r.canteen_total,
                r.ratio,
                r.reserved_amount,
                _d(r.filed_on),
                r.get_status_display(),
            ],
            {
                "单位编码": "unit__code",
                "年度食堂食材采购总额（元）": "canteen_total",
                "预留比例（%）": "ratio",
                "预留金额（元）": "reserved_amount",
                "填报日期": "filed_on",
            },
        )
    return Records(
        ["订单号", "单位编码", "单位名称", "渠道", "金额（元）", "下单日期", "完成日期"],
        PurchaseLine.objects.filter(
            unit_id__among=many(ids), year=table.year, completed_on__lte=as_of
        )
        .select_related("unit")
        .order_by("unit__code", "completed_on", "order_no"),
        lambda x: [
            x.order_no,
            x.unit.code,
            x.unit.name,
            x.get_channel_display(),
            x.amount,
            _d(x.ordered_on),
            _d(x.completed_on),
        ],
        {
            "订单号": "order_no",
            "单位编码": "unit__code",
            "金额（元）": "amount",
            "下单日期": "ordered_on",
            "完成日期": "completed_on",
        },
        # the per-unit sums count the lines: a province's figure stands for 14 million, which
        # PostgreSQL took 2 s to count on every page of it
        count=_completed_lines(table, ids),
    )


def _completed_lines(table: ProgressTable, unit_ids: list[int]) -> int | None:
    lines = table.facts.completed_lines if table.facts else None
    if lines is None:
        return None
    return sum(lines.get(u, 0) for u in unit_ids)


def _d(value, as_of: date | None = None) -> date | None:
    """A date, or None for one after the cut-off (it had not happened yet): the page shows it as
    2024年7月31日 and the workbook as a real date."""
    if not value or (as_of is not None and value > as_of):
        return None
    return value
