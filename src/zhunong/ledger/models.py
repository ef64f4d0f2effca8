"""The purchase ledger: one line per purchase, keyed by its order number so that the same order
is never counted twice; a refund is a line with a negative amount.

It is the only source of "amount completed": a line counts as completed once it has a completed
date (accepted, paid and rated on the platform), in the year of that date. A line without one is
ordered but not yet completed — kept so bureaus can see the gap.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhunong.fields import RoundedDecimalField


class Channel(models.TextChoices):
    CANTEEN = "canteen", _("食堂")
    UNION = "union", _("工会")
    EMPLOYEE = "employee", _("个人")
    SOE = "soe", _("国有企业")


class PurchaseLine(models.Model):
    order_no = models.CharField(_("订单号"), max_length=64)
    # Indexes and per-row foreign-key checks are what a million-line import pays for
    # (docs/decisions/0009): the unit is covered by the (unit, year, completed_on) index, the account
    # indexed only where one is known; references are kept by the services that write lines and by
    # Django's PROTECT, not by database triggers.
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="purchase_lines",
        db_index=False,
        db_constraint=False,
    )
    account = models.ForeignKey(
        "orgs.Account",
        verbose_name=_("交易账号"),
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        on_delete=models.PROTECT,
        related_name="purchase_lines",
        help_text=_("下单的交易账号（如已知）"),
    )
    channel = models.CharField(
        _("渠道"), max_length=12, choices=Channel.choices, default=Channel.CANTEEN
    )
    amount = RoundedDecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    ordered_on = models.DateField(_("下单日期"))
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("年度"), help_text=_("完成日期所在年度；未完成时为下单年度")
    )
    supplier_name = models.CharField(_("供应商"), max_length=128, blank=True)
    # the marketplace's supplier the line is linked to: an order's own, or for an imported line
    # the supplier of that name in the origin county (market.sales.link_lines)
    supplier = models.ForeignKey(
        "market.Supplier",
        verbose_name=_("供应商"),
        null=True,
        blank=True,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )
    product = models.CharField(_("商品"), max_length=255, blank=True)
    origin_code = models.CharField(_("产地区划代码"), max_length=12, blank=True)
    source_batch = models.ForeignKey(
        "ingest.ImportBatch",
        verbose_name=_("来源"),
        null=True,
        blank=True,
        db_constraint=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("台账记录")
        verbose_name_plural = _("采购台账")
        indexes = [
            # Every per-unit figure (completed and ordered-not-completed amounts as of a date)
            # sums lines by unit and year: with the amount and order date in the index, PostgreSQL
            # answers from the index alone instead of visiting millions of scattered rows
            # (docs/decisions/0021). SQLite ignores INCLUDE.
            models.Index(
                fields=["unit", "year", "completed_on"],
                include=["amount", "ordered_on"],
                name="ledger_line_unit_year",
            ),
            # the ledger page: a page of a year's newest lines in reach without sorting them all
            models.Index(
                fields=["year", "-ordered_on", "order_no"],
                include=["unit"],
                name="ledger_line_newest",
            ),
            # the anomaly "completed before ordered": a handful of lines among millions
            models.Index(
                fields=["unit", "year"],
                condition=models.Q(completed_on__lt=models.F("ordered_on")),
                name="ledger_line_completed_early",
            ),
            # the same lines for the ordered-not-completed figure of every table (those ordered
            # after the cut-off), keyed by the order date and carrying what is summed, so that
            # PostgreSQL answers from this small index alone: through the index above it judged
            # the scan costly enough to start parallel workers and compile it, 40 ms for no line
            models.Index(
                fields=["ordered_on"],
                include=["unit", "amount", "completed_on"],
                condition=models.Q(completed_on__lt=models.F("ordered_on")),
                name="ledger_line_early_by_order",
            ),
            models.Index(
                fields=["account"],
                condition=models.Q(account__isnull=False),
                name="ledger_line_account",
            ),
        ]
        constraints = [models.UniqueConstraint(fields=["order_no"], name="ledger_order_no_unique")]

    def __str__(self) -> str:
        return f"{self.order_no} {self.amount}"

    @property
    def is_completed(self) -> bool:
        return self.completed_on is not None


class Rollup(models.Model):
    """The completed amount of the ledger per region, year and completion day, summed by the
    database itself: triggers on the ledger (every insert, correction, refund and delete, whoever
    writes it) and on a unit's region keep it equal to

        SELECT u.region_id, l.year, l.completed_on, SUM(l.amount)
        FROM ledger l JOIN unit u ... WHERE l.completed_on IS NOT NULL GROUP BY 1, 2, 3

    in the same transaction as the change (migration 0003; docs/decisions/0011). The region is the
    buying unit's as it stands now; the progress table corrects the few units whose lines count
    elsewhere on its cut-off date (supervision.fasttable). `zhunong rollups --check` compares it
    with the ledger, `--rebuild` recomputes it."""

    region_code = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    day = models.DateField()
    amount = RoundedDecimalField(max_digits=18, decimal_places=2)

    class Meta:
        # The name sorts after ledger_purchaseline: SQLite's flush deletes tables in name order,
        # and deleting the lines first lets the triggers leave the rollup empty, not negative.
        db_table = "ledger_rollup"
        verbose_name = _("台账汇总")
        verbose_name_plural = _("台账汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year", "day"], name="ledger_rollup_region_year_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day} {self.amount}"


class UnitSums(models.Model):
    """Per buying unit, year, period and channel: what the per-unit figures sum, kept by database triggers
    on the ledger in the same transaction as every write (migration 0007; docs/decisions/0022).

    - `completed`: lines of the `year` (a line's year) completed in the period;
    - `ordered`: lines ordered in the period (`year` is the order's year);
    - `ordered_completed`: lines ordered in the `year`, completed in the period;
    each with the number of lines, so "none" stays apart from "summing to zero". What a unit
    ordered in a year by a date and had not completed by then is `ordered − ordered_completed`
    up to the date, plus the rare lines completed before they were ordered (read from the ledger's
    partial index). A year's figures by any date read at most the months before the date's month
    (`UnitMonth`) and the days of its month (`UnitDay`): tens of rows per unit instead of every
    line."""

    unit_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()
    period = models.DateField()
    channel = models.CharField(max_length=16)
    completed = RoundedDecimalField(max_digits=18, decimal_places=2, default=0)
    completed_lines = models.IntegerField(default=0)
    ordered = RoundedDecimalField(max_digits=18, decimal_places=2, default=0)
    ordered_lines = models.IntegerField(default=0)
    ordered_completed = RoundedDecimalField(max_digits=18, decimal_places=2, default=0)
    ordered_completed_lines = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period} {self.completed}"


class UnitDay(UnitSums):
    """`UnitSums` by day (the period is the day)."""

    class Meta:
        # sorts after ledger_purchaseline, as ledger_rollup does (see there)
        db_table = "ledger_unit_day"
        verbose_name = _("单位逐日汇总")
        verbose_name_plural = _("单位逐日汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "year", "period", "channel"], name="ledger_unit_day_key"
            )
        ]


class UnitMonth(UnitSums):
    """`UnitSums` by month (the period is the month's first day)."""

    class Meta:
        db_table = "ledger_unit_month"
        verbose_name = _("单位逐月汇总")
        verbose_name_plural = _("单位逐月汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "year", "period", "channel"], name="ledger_unit_month_key"
            )
        ]


class UnitSumsMark(models.Model):
    """A unit whose per-unit sums wait for the worker: a large import writes its lines with the
    sums deferred (`UnitSumsDeferral`) and the triggers mark the units instead; until
    `ledger.rollups.refresh_marked` rewrites them, readers take a marked unit's figures from its
    lines (docs/decisions/0023)."""

    unit_id = models.BigIntegerField(primary_key=True)

    class Meta:
        db_table = "ledger_unit_sums_mark"
        verbose_name = _("待汇总单位")
        verbose_name_plural = _("待汇总单位")

    def __str__(self) -> str:
        return str(self.unit_id)


class UnitSumsDeferral(models.Model):
    """Present only inside a large import's transaction (created and deleted there, never
    committed): while another transaction cannot see it, the triggers in the import's own
    statements mark units instead of summing every line (one row per unit, not per line and
    day)."""

    class Meta:
        db_table = "ledger_unit_sums_deferral"
        verbose_name = _("延后汇总")
        verbose_name_plural = _("延后汇总")

    def __str__(self) -> str:
        return str(self.pk)
