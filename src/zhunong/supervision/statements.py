"""The statements a notice draws from the progress table (progress-table.md, domain.md), each as
data and as a Chinese sentence. Thresholds and N are parameters."""

from dataclasses import dataclass, field
from decimal import Decimal

from zhunong.orgs.models import HAS_CANTEEN, Unit

from .numbers import percent, rate, wan
from .unitfigures import unit_figures


@dataclass
class Statement:
    key: str
    sentence: str
    data: dict = field(default_factory=dict)


def _names(items, limit=None) -> str:
    names = [i if isinstance(i, str) else i["name"] for i in items]
    if limit is not None and len(names) > limit:
        return "、".join(names[:limit]) + f"等{len(names)}个"
    return "、".join(names)


def _ranking(entries, key, n):
    ranked = [e for e in entries if key(e) is not None and key(e) > 0]
    ranked.sort(key=lambda e: (-key(e), e["name"]))
    return ranked[:n]


def statements(table, *, n: int = 5, threshold: Decimal = Decimal("0.05"), reference_ratio=None):
    """Every statement for the table; `threshold` is a completion ratio (0.05 = 5%);
    `reference_ratio` a reserve ratio to compare with (e.g. the province's, 0.12 = 12%)."""
    out: list[Statement] = []
    sub_rows = [r for r in table.rows if r.key != "own"]
    sub = table.sub_word  # 区县 in a city's sentences, 市 in a province's
    units = unit_figures(table)

    # 1. account activation
    full = [
        r.name
        for r in sub_rows
        if r.units
        and r.trading
        and r.units_activated == r.units
        and r.trading_activated == r.trading
    ]
    short = [r.name for r in sub_rows if r.units and r.name not in full]
    out.append(
        Statement(
            "activation",
            f"截至{table.as_of.month}月{table.as_of.day}日，全{table.region.name}共有预算单位{table.total.units}个，"
            f"激活{table.total.units_activated}个，激活率{percent(table.total.units_rate)}；采购人账号{table.total.trading}个，"
            f"激活{table.total.trading_activated}个，激活率{percent(table.total.trading_rate)}。"
            + (
                f"{_names(full)}等{len(full)}个{sub}两类账号激活率均达到100%。"
                if full
                else f"尚无{sub}两类账号激活率均达到100%。"
            )
            + (f"{_names(short)}尚未全部激活。" if short else ""),
            {"full": full, "short": short},
        )
    )

    # 2. filings
    filers = [f for f in units.values() if f.filed and f.reserved > 0]
    reserved = sum((f.reserved for f in filers), Decimal(0))
    out.append(
        Statement(
            "filings",
            f"已填报预留份额的预算单位{len(filers)}个（不含预留为零的单位），拟预留采购总额{wan(reserved)}万元。",
            {"units": len(filers), "reserved_yuan": str(reserved)},
        )
    )

    # 3. average reserve ratio, two ways
    weighted = rate(table.total.reserved, table.total.canteen_total)
    own_ratios = [
        f.reserved / f.canteen_total for f in units.values() if f.filed and f.canteen_total > 0
    ]
    mean = (sum(own_ratios, Decimal(0)) / len(own_ratios)) if own_ratios else None
    sentence = (
        f"平均预留比例{percent(weighted)}（加权：拟预留总额÷食堂食材采购总额），"
        f"各单位预留比例的平均值为{percent(mean)}"
    )
    if reference_ratio is not None and weighted is not None:
        diff = weighted - Decimal(reference_ratio)
        sentence += (
            f"，{'高于' if diff >= 0 else '低于'}参照比例{percent(Decimal(reference_ratio))}"
        )
    out.append(
        Statement(
            "average_ratio",
            sentence + "。",
            {
                "weighted": None if weighted is None else str(weighted),
                "mean": None if mean is None else str(mean),
                "reference": None if reference_ratio is None else str(reference_ratio),
            },
        )
    )

    # 4. rankings of sub-regions and departments
    regions = [
        {
            "name": r.name,
            "reserved": r.reserved,
            "completed": r.completed,
            "reserve_ratio": rate(r.reserved, r.canteen_total),
            "completion": rate(r.completed, r.reserved),
        }
        for r in sub_rows
    ]
    departments = _departments(table, units)
    labels = {
        "reserved": "拟预留采购总额",
        "completed": "完成交易额",
        "reserve_ratio": "预留比例",
        "completion": "完成比例",
    }
    rankings = [("regions", regions, sub), ("departments", departments, "部门")]
    if sub == "部门":  # a county's rows are its departments: one ranking, not the same twice
        rankings = rankings[1:]
    for who, entries, word in rankings:
        data = {}
        parts = []
        for measure, label in labels.items():
            top = _ranking(entries, lambda e, m=measure: e[m], n)
            data[measure] = [e["name"] for e in top]
            if top:
                shown = "、".join(f"{e['name']}（{_figure(measure, e[measure])}）" for e in top)
                parts.append(f"{label}前{len(top)}名：{shown}")
        if parts:
            label = "各市" if word == "市" else word  # "市排名" reads wrong
            out.append(Statement(f"top_{who}", f"{label}排名——" + "；".join(parts) + "。", data))

    # 5. sub-regions below the threshold and at zero
    below = [
        r.name
        for r in sub_rows
        if r.reserved > 0 and (r.completion or 0) < threshold and r.completed > 0
    ]
    zero = [r.name for r in sub_rows if r.units and r.completed <= 0]
    out.append(
        Statement(
            "below_threshold",
            (
                f"完成比例低于{percent(threshold)}的{sub}：{_names(below)}。"
                if below
                else f"没有完成比例低于{percent(threshold)}的{sub}。"
            )
            + (f"{_names(zero)}完成交易额为零。" if zero else ""),
            {"below": below, "zero": zero},
        )
    )

    # 6. departments that bought nothing — left out when there is nothing to say: no departments,
    # or a single one that bought (the published notices name the idle ones)
    idle = [d["name"] for d in departments if d["completed"] <= 0]
    if idle:
        out.append(
            Statement(
                "departments_idle",
                f"尚无交易的部门{len(idle)}个：{_names(idle, 20)}。",
                {"departments": idle},
            )
        )
    elif len(departments) > 1:
        out.append(
            Statement(
                "departments_idle",
                f"本级{len(departments)}个部门均已有交易。",
                {"departments": []},
            )
        )

    # 7. units that reserved zero but bought — only when there are any
    zero_buyers = [
        f.name for f in units.values() if f.filed and f.reserved == 0 and f.completed > 0
    ]
    if zero_buyers:
        out.append(
            Statement(
                "zero_reserve_buyers",
                f"预留为零但已有交易的单位{len(zero_buyers)}个：{_names(zero_buyers, 20)}。",
                {"units": zero_buyers},
            )
        )

    # 8. a city's own units and its districts' units
    own = next((r for r in table.rows if r.key == "own"), None)
    if own is not None and sub_rows:
        district_reserved = sum((r.reserved for r in sub_rows), Decimal(0))
        district_completed = sum((r.completed for r in sub_rows), Decimal(0))
        subs = "各市" if sub == "市" else "区县（市）"
        out.append(
            Statement(
                "own_and_districts",
                f"{own.name}预算单位预留份额{wan(own.reserved)}万元，完成交易额{wan(own.completed)}万元；"
                f"{subs}预算单位预留份额{wan(district_reserved)}万元，完成交易额{wan(district_completed)}万元。",
                {
                    "own_reserved_yuan": str(own.reserved),
                    "own_completed_yuan": str(own.completed),
                    "districts_reserved_yuan": str(district_reserved),
                    "districts_completed_yuan": str(district_completed),
                },
            )
        )

    # 9. units with a canteen that have not filed; filers that bought nothing; how many bought
    not_filed = [f.name for f in units.values() if f.canteen in HAS_CANTEEN and not f.filed]
    filed_idle = [f.name for f in filers if f.completed <= 0]
    bought = [f for f in units.values() if f.completed > 0]
    out.append(
        Statement(
            "filing_and_buying",
            f"有食堂但未填报预留份额的单位{len(not_filed)}个（无食堂单位不计）；已填报但尚无交易的单位{len(filed_idle)}个；"
            f"已有交易的单位{len(bought)}个。",
            {"not_filed": not_filed, "filed_without_purchases": filed_idle, "bought": len(bought)},
        )
    )

    # 10. ordered but not completed, beside completed
    pending = sum((f.pending for f in units.values()), Decimal(0))
    out.append(
        Statement(
            "pending",
            f"已完成交易额{wan(table.total.completed)}万元（已验收、已支付、已评价）；另有已下单未完成的交易{wan(pending)}万元。",
            {"completed_yuan": str(table.total.completed), "pending_yuan": str(pending)},
        )
    )

    # 11. the year's target
    met = table.total.completion is not None and table.total.completion >= 1
    out.append(
        Statement(
            "target",
            f"预留份额完成比例{percent(table.total.completion)}，"
            + ("已完成全年预留份额。" if met else "尚未完成全年预留份额。"),
            {"met": met},
        )
    )
    return out


def _figure(measure: str, value) -> str:
    return f"{wan(value)}万元" if measure in ("reserved", "completed") else percent(value)


def _departments(table, units) -> list[dict]:
    """A department (市直部门) is a top-level supervising unit among the region's own units,
    together with every unit under it."""
    own = [f for f in units.values() if f.region_id == table.region.code]
    sums: dict[str, dict] = {}
    for f in own:
        d = sums.setdefault(
            f.department, {"reserved": Decimal(0), "completed": Decimal(0), "canteen": Decimal(0)}
        )
        d["reserved"] += f.reserved
        d["completed"] += f.completed
        d["canteen"] += f.canteen_total
    names = dict(Unit.objects.filter(code__in=list(sums)).values_list("code", "name"))
    return [
        {
            "name": names.get(code, code),
            "reserved": s["reserved"],
            "completed": s["completed"],
            "reserve_ratio": rate(s["reserved"], s["canteen"]),
            "completion": rate(s["completed"], s["reserved"]),
        }
        for code, s in sorted(sums.items())
    ]
