"""The platform export format, version 1 (docs/import-format.md): sheets, columns, their Chinese
and English names, and the values of the coded columns. Import and export both read this."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    zh: str
    columns: tuple[Column, ...]
    optional: bool = False

    def header_map(self) -> dict[str, str]:
        names = {}
        for c in self.columns:
            names[c.zh] = c.key
            names[c.key] = c.key
        return names

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


SHEETS = (
    Sheet(
        "regions",
        "区划",
        (
            Column("region_code", "区划代码", True),
            Column("name", "区划名称", True),
            Column("parent_code", "上级区划代码", True),
            Column("short_name", "简称"),
        ),
        optional=True,
    ),
    Sheet(
        "units",
        "单位",
        (
            Column("unit_code", "单位编码", True),
            Column("name", "单位名称", True),
            Column("region_code", "区划代码", True),
            Column("parent_unit_code", "主管单位编码"),
            Column("kind", "单位类型"),
            Column("canteen", "食堂情况"),
            Column("canteen_host_code", "代表单位编码"),
            Column("status", "状态"),
            # v1.1: the budget unit a 国有企业 or 工会 belongs to; older files lack the column
            Column("owner_unit_code", "所属单位编码"),
        ),
    ),
    Sheet(
        "accounts",
        "账号",
        (
            Column("account_id", "账号", True),
            Column("unit_code", "单位编码", True),
            Column("kind", "账号类型", True),
            Column("opened_on", "开通日期", True),
            Column("activated_on", "激活日期"),
        ),
    ),
    Sheet(
        "reservations",
        "预留份额",
        (
            Column("unit_code", "单位编码", True),
            Column("year", "年度", True),
            Column("canteen_total", "年度食堂食材采购总额", True),
            Column("ratio", "预留比例"),
            Column("reserved_amount", "预留金额", True),
            Column("filed_on", "填报日期"),
            Column("status", "状态"),
        ),
    ),
    Sheet(
        "transactions",
        "交易",
        (
            Column("order_no", "订单号", True),
            Column("unit_code", "单位编码", True),
            Column("amount", "金额", True),
            Column("ordered_on", "下单日期", True),
            Column("completed_on", "完成日期"),
            Column("channel", "渠道"),
            Column("supplier", "供应商"),
            Column("product", "商品"),
            Column("origin_code", "产地区划代码"),
        ),
    ),
)
SHEET_BY_NAME = {s.name: s for s in SHEETS}

# Coded columns: the Chinese label or the English code is accepted; export writes the Chinese.
UNIT_KINDS = {"预算单位": "budget_unit", "国有企业": "soe", "工会": "union"}
# the kinds whose purchases count to an owning budget unit (所属单位编码)
OWNED_KINDS = ("soe", "union")
CANTEENS = {"自有食堂": "own", "共用食堂": "shared", "无食堂": "none", "食堂外包": "outsourced"}
UNIT_STATUSES = {"正常": "active", "已合并": "merged", "已撤销": "dissolved"}
ACCOUNT_KINDS = {"管理账号": "management", "交易账号": "trading"}
RESERVATION_STATUSES = {
    "已填报": "filed",
    "主管已确认": "supervisor_confirmed",
    "财政已确认": "finance_confirmed",
    "已锁定": "locked",
}
CHANNELS = {"食堂": "canteen", "工会": "union", "个人": "employee", "国有企业": "soe"}


def accepting(labels: dict[str, str]) -> dict[str, str]:
    """Label → code, accepting the code itself too."""
    return {**labels, **{code: code for code in labels.values()}}


def label_of(labels: dict[str, str], code: str) -> str:
    return next((label for label, c in labels.items() if c == code), code)
