"""Drill-down: the records behind one figure of the progress table, as of the same cut-off date."""

from datetime import date

from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import Account, Unit
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


def drill(table: ProgressTable, row_key: str, measure: str) -> tuple[list[str], list[list]]:
    """(header, rows) of the records a figure counts or sums."""
    row = next((r for r in table.all_rows() if r.key == row_key), None)
    if row is None or measure not in MEASURES:
        return [], []
    ids = row.members.get(measure, [])
    as_of: date = table.as_of
    if measure in ("units", "units_activated"):
        units = Unit.objects.filter(id__in=ids).select_related("region").order_by("code")
        management = {
            a.unit_id: a
            for a in Account.objects.filter(unit__in=ids, kind="management", opened_on__lte=as_of)
        }
        header = ["单位编码", "单位名称", "区划", "管理账号", "开通日期", "激活日期"]
        return header, [
            [
                u.code,
                u.name,
                u.region.name,
                getattr(management.get(u.id), "login", ""),
                _d(getattr(management.get(u.id), "opened_on", None)),
                _d(getattr(management.get(u.id), "activated_on", None), as_of),
            ]
            for u in units
        ]
    if measure in ("trading", "trading_activated"):
        accounts = (
            Account.objects.filter(id__in=ids)
            .select_related("unit")
            .order_by("unit__code", "login")
        )
        header = ["账号", "单位编码", "单位名称", "开通日期", "激活日期", "停用日期"]
        return header, [
            [
                a.login,
                a.unit.code,
                a.unit.name,
                _d(a.opened_on),
                _d(a.activated_on, as_of),
                _d(a.deactivated_on),
            ]
            for a in accounts
        ]
    if measure in ("canteen_total", "reserved"):
        filings = (
            Reservation.objects.filter(id__in=ids).select_related("unit").order_by("unit__code")
        )
        header = [
            "单位编码",
            "单位名称",
            "年度",
            "年度食堂食材采购总额（元）",
            "预留比例（%）",
            "预留金额（元）",
            "填报日期",
            "状态",
        ]
        return header, [
            [
                r.unit.code,
                r.unit.name,
                r.year,
                r.canteen_total,
                r.ratio,
                r.reserved_amount,
                _d(r.filed_on),
                r.get_status_display(),
            ]
            for r in filings
        ]
    lines = (
        PurchaseLine.objects.filter(unit__in=ids, year=table.year, completed_on__lte=as_of)
        .select_related("unit")
        .order_by("unit__code", "completed_on", "order_no")
    )
    header = ["订单号", "单位编码", "单位名称", "渠道", "金额（元）", "下单日期", "完成日期"]
    return header, [
        [
            x.order_no,
            x.unit.code,
            x.unit.name,
            x.get_channel_display(),
            x.amount,
            _d(x.ordered_on),
            _d(x.completed_on),
        ]
        for x in lines.iterator(chunk_size=5000)
    ]


def _d(value, as_of: date | None = None) -> date | None:
    """A date, or None for one after the cut-off (it had not happened yet): the page shows it as
    2024年7月31日 and the workbook as a real date."""
    if not value or (as_of is not None and value > as_of):
        return None
    return value
