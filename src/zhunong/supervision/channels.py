"""Completed purchases by channel (食堂, 工会, 国有企业, 个人): the progress table counts them all
to the owning unit, as the notices do; bureaus also need the canteen-only figure against the
reserve, since the reserve is a share of the canteen budget (domain.md)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from zhunong.ledger.models import Channel
from zhunong.ledger.rollups import money

from .numbers import rate
from .queries import counting_units, rollup_tuples

ZERO = Decimal("0.00")


@dataclass
class ChannelRow:
    key: str
    name: str
    reserved: Decimal
    by_channel: dict[str, Decimal] = field(
        default_factory=lambda: {c.value: Decimal("0.00") for c in Channel}
    )

    @property
    def completed(self) -> Decimal:
        return sum(self.by_channel.values(), ZERO)

    @property
    def canteen_ratio(self) -> Decimal | None:
        """The canteen-only completion: canteen purchases ÷ reserved."""
        return rate(self.by_channel[Channel.CANTEEN], self.reserved)

    @property
    def ratio(self) -> Decimal | None:
        return rate(self.completed, self.reserved)


def channel_rows(table, by_channel: dict | None = None) -> list[ChannelRow]:
    """合计, then the table's rows, each with the same completed total as the table's (a test holds
    them equal), split by the channel of each purchase line. Reads the table's members, so it
    takes a table from `progress_table_as_of`; `by_channel` is what that table read per unit and
    channel when asked (`channels=`), else it is read here."""
    row_of_unit = {u: r.key for r in table.rows for u in r.members["units"]}
    counting = (
        table.facts.counting if table.facts else counting_units(set(row_of_unit), table.as_of)
    )
    rows = {r.key: ChannelRow(r.key, r.name, r.reserved) for r in table.rows}
    if by_channel is None:
        by_channel = unit_channel_sums(counting, table.year, table.as_of)
    for (unit_id, channel), amount in by_channel.items():
        row = rows[row_of_unit[counting[unit_id]]]
        row.by_channel[channel] = row.by_channel.get(channel, ZERO) + amount
    total = ChannelRow("total", "合计", table.total.reserved)
    for row in rows.values():
        for channel, amount in row.by_channel.items():
            total.by_channel[channel] = total.by_channel.get(channel, ZERO) + amount
    return [total, *rows.values()]


def unit_channel_sums(unit_ids, year: int, as_of: date) -> dict[tuple[int, str], Decimal]:
    """The amount each unit completed in the year by the date, per channel (from the per-unit
    rollups; a unit and channel with no completed line is absent)."""
    found: dict[tuple[int, str], Decimal] = {}
    for unit_id, channel, amount, lines in rollup_tuples(
        list(unit_ids),
        year,
        as_of,
        ["unit_id", "channel"],
        {"amount": "completed", "lines": "completed_lines"},
    ):
        if lines:
            key = (unit_id, channel)
            found[key] = found.get(key, ZERO) + money(amount)
    return found
