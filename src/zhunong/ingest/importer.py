"""Importing the platform export (docs/import-format.md): all or nothing, idempotent, and scoped
to the importing finance bureau's region.

The small sheets (regions, units, accounts, reservations) are read whole and compared in Python;
transactions stream through a staging table (staging.py). Everything happens in one database
transaction that is rolled back when any error was found, so a refused file changes nothing.
"""

import json
import re
from collections.abc import Callable
from contextlib import closing
from datetime import date
from operator import itemgetter
from types import SimpleNamespace

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from zhunong import planner
from zhunong.clock import today
from zhunong.fields import many
from zhunong.ledger import bulk
from zhunong.ledger.bulk import bulk_load
from zhunong.ledger.rollups import deferred_unit_sums
from zhunong.orgs.models import Account, EventKind, Unit
from zhunong.regions.models import Level, Region
from zhunong.reservations.models import Action, FilingStep, Reservation
from zhunong.reservations.rules import ratio_of

from . import parse
from .anomalies import anomalies_for
from .fastsql import analyze, execute, insert_rows, temp_table
from .reader import Refused, Source, open_source
from .report import Report
from .spec import (
    ACCOUNT_KINDS,
    CANTEENS,
    CHANNELS,
    OWNED_KINDS,
    RESERVATION_STATUSES,
    SHEETS,
    UNIT_KINDS,
    UNIT_STATUSES,
    accepting,
    label_of,
)
from .staging import LedgerWriter

UNIT_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,39}$")
REGION_CODE = re.compile(r"^\d{6,12}$", re.ASCII)
Progress = Callable[[int, int, str], None]


def unit_unknown(code: str, scope) -> str:
    if scope is None:
        return f"未知的单位编码 {code}"
    return f"单位编码 {code} 不存在或不在本次导入的区划范围内"


class Rollback(Exception):
    pass


class NotLoadedDirectly(Exception):
    """A file not (or no longer) loaded straight into the ledger (load_directly)."""


def blank(value) -> bool:
    """An empty cell: nothing, or only spaces (which every cell loses at both ends)."""
    return value is None or (isinstance(value, str) and not value.strip())


class PlatformImport:
    def __init__(self, *, scope: Region | None, batch, progress: Progress | None = None):
        self.scope = scope
        self.batch = batch
        self.report = Report()
        self.progress = progress or (lambda done, total, stage: None)
        self.done = 0
        self.total = 1
        self.today = today()
        self.unit_ids: dict[str, int] = {}
        self.touched_units: set[str] = set()
        self.touched_years: set[int] = set()
        self.column_titles = {(s.name, c.key): c for s in SHEETS for c in s.columns}
        self.max_rows = settings.IMPORT_MAX_ROWS

    # --- the whole run -------------------------------------------------------------------------

    def run(self, path) -> Report:
        try:
            source = open_source(path)
        except Refused as exc:
            self.report.error("", None, "", str(exc))
            return self.report
        try:
            self.report.warnings.extend(source.warnings)
            for title, cell in source.formula_cells():
                row = int(re.sub(r"\D", "", cell))
                self.report.error(
                    title,
                    row,
                    re.sub(r"\d", "", cell),
                    f"单元格 {cell} 含公式：请复制后“粘贴为数值”再导入",
                )
            columns = self.read_headers(source)
            if not self.report.ok:
                return self.report
            self.total = sum(source.size_hint(name) for name in columns) or 1  # estimates
            try:
                with transaction.atomic():
                    self.load(source, columns)
                    if not self.report.ok:
                        raise Rollback
            except Rollback:
                pass
        except Refused as exc:
            self.report.error("", None, "", str(exc))
        finally:
            source.close()
        if not self.report.ok:  # rolled back: nothing was created, updated or left unchanged
            self.report.anomalies, self.report.anomaly_count = [], 0
            self.report.sheets = {}
        return self.report

    def read_headers(self, source: Source) -> dict[str, dict[str, int]]:
        present = source.sheet_names()
        columns = {}
        for sheet in SHEETS:
            if sheet.name not in present:
                if not sheet.optional:
                    self.report.error(
                        sheet.name, None, "", f"缺少工作表“{sheet.name}”（{sheet.zh}）"
                    )
                continue
            with closing(source.rows(sheet.name)) as rows:
                header = next(rows, (1, []))[1]
            names = sheet.header_map()
            found: dict[str, int] = {}
            for index, cell in enumerate(header):
                title = parse.text(cell)
                if not title:
                    continue
                key = names.get(title) or names.get(title.lower())
                if key is None:
                    self.report.warnings.append(f"工作表 {sheet.name} 忽略未知列“{title}”")
                elif key in found:
                    self.report.error(sheet.name, 1, title, f"列“{title}”重复")
                else:
                    found[key] = index
            for column in sheet.columns:
                if column.required and column.key not in found:
                    self.report.error(
                        sheet.name, 1, column.zh, f"缺少必填列“{column.zh}”（{column.key}）"
                    )
            columns[sheet.name] = found
        if present == set() or (
            self.report.ok and not any(self.has_data(source, n) for n in columns)
        ):
            self.report.error("", None, "", "文件中没有任何数据行")
        return columns

    @staticmethod
    def has_data(source: Source, sheet: str) -> bool:
        """Whether a sheet has a non-blank row after its header."""
        with closing(source.rows(sheet)) as rows:
            next(rows, None)
            return any(any(not blank(v) for v in values) for _number, values in rows)

    def rows(self, source: Source, sheet: str, columns: dict[str, dict[str, int]]):
        """Data rows of a sheet as (row number, {key: value}); blank rows are skipped."""
        index = columns[sheet]
        with closing(source.rows(sheet)) as rows:
            next(rows, None)
            yield from self._data_rows(rows, index, sheet)

    def _data_rows(self, rows, index, sheet):
        for number, values in rows:
            self.check_row_limit(sheet, number)
            self.done += 1
            if self.done % 20000 == 0:
                self.progress(self.done, self.total, sheet)
            row = {k: (values[i] if i < len(values) else None) for k, i in index.items()}
            if all(blank(v) for v in row.values()):
                continue
            yield number, row

    def field(self, sheet, number, row, key, parser, *args, required=None):
        """Parses one cell; on failure records the error and returns None."""
        column = self.column_titles[(sheet, key)]
        value = row.get(key)
        if value is None or value == "" or (isinstance(value, str) and not value.strip()):
            if required if required is not None else column.required:
                self.report.error(sheet, number, column.zh, f"缺少{column.zh}")
            return None
        try:
            return parser(value, *args)
        except ValueError as exc:
            self.report.error(sheet, number, column.zh, str(exc))
            return None

    def check_row_limit(self, sheet: str, number: int) -> None:
        if number > self.max_rows + 1:
            raise Refused(f"工作表 {sheet} 超过 {self.max_rows} 行的上限，请拆分后导入")

    def in_scope(self, region_code: str) -> bool:
        if self.scope is None:
            return True
        path = self.region_paths.get(region_code, "")
        return bool(path) and path.startswith(self.scope.path)

    def load(self, source: Source, columns) -> None:
        self.region_paths = dict(Region.objects.values_list("code", "path"))
        self.units_db = {
            u["code"]: u
            for u in Unit.objects.values(
                "id",
                "code",
                "name",
                "region_id",
                "parent__code",
                "kind",
                "canteen",
                "canteen_host__code",
                "status",
                "tree_path",
                "owner__code",
            )
        }
        if "regions" in columns:
            self.load_regions(source, columns)
        units = self.read_units(source, columns)
        accounts = self.read_accounts(source, columns, units)
        reservations = self.read_reservations(source, columns, units)
        if self.report.ok:
            self.apply_units(units, accounts)
            self.apply_accounts(accounts)
            self.apply_reservations(reservations)
            # a first import writes every unit, account and filing at once: the pages that join
            # them are planned from fresh statistics once it commits (ADR 0032), not from an
            # empty table's until autovacuum comes round
            written = self.report.sheets.get("units", {})
            planner.rewritten(
                written.get("created", 0) + written.get("updated", 0),
                Unit,
                Account,
                Reservation,
                FilingStep,
            )
        self.load_transactions(source, columns, units)
        self.progress(self.total, self.total, "done")
        if self.report.ok:
            unit_ids = [self.unit_ids[c] for c in self.touched_units if c in self.unit_ids]
            self.report.anomalies, self.report.anomaly_count = anomalies_for(
                unit_ids=unit_ids, years=sorted(self.touched_years)
            )

    # --- regions ----------------------------------------------------------------------------------

    def load_regions(self, source, columns) -> None:
        created = updated = unchanged = 0
        seen = set()
        for number, row in self.rows(source, "regions", columns):
            code = self.field("regions", number, row, "region_code", parse.code)
            name = self.field("regions", number, row, "name", parse.text)
            parent = self.field("regions", number, row, "parent_code", parse.code)
            short = self.field("regions", number, row, "short_name", parse.text) or ""
            if code is None or name is None or parent is None:
                continue
            if not REGION_CODE.match(code):
                self.report.error("regions", number, "区划代码", f"区划代码“{code}”应为6至12位数字")
                continue
            if code in seen:
                self.report.error("regions", number, "区划代码", f"区划代码 {code} 在本表中重复")
                continue
            seen.add(code)
            if parent not in self.region_paths:
                self.report.error("regions", number, "上级区划代码", f"未知的上级区划代码 {parent}")
                continue
            if len(short) > 32 or len(name) > 64:
                self.report.error("regions", number, "简称", "名称不超过64字，简称不超过32字")
                continue
            # the same rules as the pages: a zone is added, and a name or short name set, by the
            # bureau over the region's parent
            existing = Region.objects.filter(code=code).first()
            if existing is not None and existing.parent_id != parent:
                self.report.error(
                    "regions", number, "上级区划代码", f"区划 {code} 的上级区划不能通过导入更改"
                )
                continue
            if not self.in_scope(parent):
                unchanged_row = (
                    existing is not None
                    and existing.short_name == short
                    and (existing.is_builtin or existing.name == name)
                )
                if not unchanged_row:
                    self.report.error(
                        "regions", number, "区划代码", f"区划 {code} 不在本次导入的区划范围内"
                    )
                    continue
            if existing is None and Region.objects.get(code=parent).level not in (
                Level.CITY,
                Level.PROVINCE,
            ):
                self.report.error(
                    "regions", number, "上级区划代码", "功能区只能设在地市或省级区划之下"
                )
                continue
            if existing is None:
                path = self.region_paths[parent] + code + "/"
                Region.objects.create(
                    code=code,
                    name=name,
                    short_name=short,
                    parent_id=parent,
                    level=Level.ZONE,
                    path=path,
                    is_builtin=False,
                )
                self.region_paths[code] = path
                created += 1
            else:
                changes = {"short_name": short}
                if not existing.is_builtin:
                    changes["name"] = name
                if all(getattr(existing, k) == v for k, v in changes.items()):
                    unchanged += 1
                else:
                    Region.objects.filter(code=code).update(**changes)
                    updated += 1
        self.report.count("regions", created, updated, unchanged)

    # --- units ------------------------------------------------------------------------------------

    def read_units(self, source, columns) -> dict[str, dict]:
        kinds, canteens, statuses = (
            accepting(UNIT_KINDS),
            accepting(CANTEENS),
            accepting(UNIT_STATUSES),
        )
        units: dict[str, dict] = {}
        for number, row in self.rows(source, "units", columns):
            code = self.field("units", number, row, "unit_code", parse.code)
            name = self.field("units", number, row, "name", parse.text)
            region = self.field("units", number, row, "region_code", parse.code)
            parent = self.field("units", number, row, "parent_unit_code", parse.code)
            kind = self.field("units", number, row, "kind", parse.choice, kinds, "单位类型")
            canteen = self.field(
                "units", number, row, "canteen", parse.choice, canteens, "食堂情况"
            )
            host = self.field("units", number, row, "canteen_host_code", parse.code)
            status = self.field("units", number, row, "status", parse.choice, statuses, "状态")
            owner = self.field("units", number, row, "owner_unit_code", parse.code)
            if code is None:
                continue
            if not UNIT_CODE.match(code):
                self.report.error(
                    "units",
                    number,
                    "单位编码",
                    f"单位编码“{code}”只能由字母、数字、- 和 _ 组成，最长40位",
                )
                continue
            if code in units:
                self.report.error(
                    "units", number, "单位编码", f"单位编码 {code} 与第{units[code]['row']}行重复"
                )
                continue
            if name is not None and len(name) > 128:
                self.report.error("units", number, "单位名称", "单位名称不超过128字")
            if region is not None:
                if region not in self.region_paths:
                    self.report.error("units", number, "区划代码", f"未知的区划代码 {region}")
                elif not self.in_scope(region):
                    self.report.error(
                        "units", number, "区划代码", f"区划 {region} 不在本次导入的区划范围内"
                    )
            existing = self.units_db.get(code)
            if existing and not self.in_scope(existing["region_id"]):
                self.report.error(
                    "units",
                    number,
                    "单位编码",
                    f"单位编码 {code} 已被本次导入范围以外的单位使用",
                )
            kind_unreadable = kind is None and not blank(row.get("kind"))  # reported already
            if owner and not kind_unreadable and (kind or "budget_unit") not in OWNED_KINDS:
                self.report.error(
                    "units", number, "所属单位编码", "只有国有企业和工会可以填写所属单位编码"
                )
                owner = None
            units[code] = {
                "row": number,
                "code": code,
                "name": name,
                "region": region,
                "parent": parent,
                "kind": kind or "budget_unit",
                "canteen": canteen or "",
                "host": host,
                "status": status or "active",
                "owner": owner,  # as given; resolve_owners falls back on the parent
            }
        for unit in units.values():
            for key, column in (
                ("parent", "主管单位编码"),
                ("host", "代表单位编码"),
                ("owner", "所属单位编码"),
            ):
                ref = unit[key]
                outside = ref in self.units_db and not self.in_scope(
                    self.units_db[ref]["region_id"]
                )
                if ref and ref not in units and (ref not in self.units_db or outside):
                    # a unit outside the scope looks the same as a missing one
                    self.report.error("units", unit["row"], column, f"未知的单位编码 {ref}")
                elif ref and ref == unit["code"]:
                    self.report.error("units", unit["row"], column, "不能是本单位")
        self.resolve_owners(units)
        self.tree_paths = self.compute_tree_paths(units)
        return units

    def kind_of(self, code: str, units) -> str | None:
        """The kind a known unit in scope has after this import; None for any other code (its
        reference was reported already)."""
        if code in units:
            return units[code]["kind"]
        existing = self.units_db.get(code)
        if existing is None or not self.in_scope(existing["region_id"]):
            return None
        return existing["kind"]

    def resolve_owners(self, units) -> None:
        """The budget unit a 国有企业 or 工会 belongs to, whose totals its purchases count to (the
        2024 Zhengzhou notice): its 所属单位编码, else its 主管单位编码. A given owner that is not a
        budget unit is an error. A supervising unit that is not one is no owner: the unit is left
        without one and a warning says so, since a file without the column (older than v1.1) was
        valid and stays so."""
        for unit in units.values():
            if unit["kind"] not in OWNED_KINDS:
                continue
            given, parent = unit["owner"], unit["parent"]
            owner = given or parent
            if not owner or owner == unit["code"]:
                unit["owner"] = None
                continue
            kind = self.kind_of(owner, units)
            if kind is None or kind == "budget_unit":
                unit["owner"] = owner
            elif given:
                self.report.error(
                    "units",
                    unit["row"],
                    "所属单位编码",
                    f"所属单位 {owner} 是{label_of(UNIT_KINDS, kind)}，所属单位须为预算单位",
                )
            else:
                unit["owner"] = None
                self.report.warnings.append(
                    f"工作表 units 第{unit['row']}行：主管单位 {parent} 是"
                    f"{label_of(UNIT_KINDS, kind)}，不能作为所属单位，该单位未设所属单位"
                    "（其采购不计入任何预算单位）；请填写所属单位编码"
                )

    def compute_tree_paths(self, units) -> dict[str, str]:
        parents = {code: u["parent__code"] for code, u in self.units_db.items()}
        parents.update({code: u["parent"] for code, u in units.items()})
        paths: dict[str, str] = {}
        for code in units:
            chain, current = [], code
            while current is not None and current not in paths:
                if current in chain:
                    row = units.get(code, {}).get("row")
                    self.report.error(
                        "units",
                        row,
                        "主管单位编码",
                        f"主管单位关系成环：{' → '.join(chain + [current])}",
                    )
                    break
                chain.append(current)
                current = parents.get(current)
            else:
                prefix = paths[current] if current is not None else ""
                for link in reversed(chain):
                    prefix += link + "/"
                    paths[link] = prefix
        return paths

    def apply_units(self, units, accounts) -> None:
        first_opened: dict[str, date] = {}
        for account in accounts.values():
            if account["opened_on"]:
                current = first_opened.get(account["unit"])
                first_opened[account["unit"]] = min(filter(None, [current, account["opened_on"]]))
        created, updated, unchanged = [], [], 0
        events = []
        for code, u in units.items():
            existing = self.units_db.get(code)
            values = {
                "name": u["name"],
                "region_id": u["region"],
                "kind": u["kind"],
                "canteen": u["canteen"],
                "status": u["status"],
                "tree_path": self.tree_paths[code],
            }
            if existing is None:
                created.append(
                    SimpleNamespace(
                        code=code,
                        registered_on=min(first_opened.get(code, self.today), self.today),
                        source_batch_id=self.batch.pk,
                        **values,
                    )
                )
                continue
            refs_same = self.refs_of_existing(code) == self.refs_of(u)
            if refs_same and all(existing[k] == v for k, v in values.items()):
                unchanged += 1
                continue
            # one dated event per kind of change, as the pages record them (unit_as_of undoes them)
            before = {
                "name": existing["name"],
                "region": existing["region_id"],
                "parent": existing["parent__code"],
                "canteen": existing["canteen"],
                "canteen_host": existing["canteen_host__code"],
                "status": existing["status"],
            }
            after = {
                "name": u["name"],
                "region": u["region"],
                "parent": u["parent"] or None,
                "canteen": u["canteen"],
                "canteen_host": u["host"] or None,
                "status": u["status"],
            }
            status_kind = {
                "merged": EventKind.MERGED,
                "dissolved": EventKind.DISSOLVED,
                "active": EventKind.REINSTATED,
            }
            for kind, fields in (
                (EventKind.RENAMED, ("name",)),
                (EventKind.MOVED, ("region",)),
                (EventKind.PARENT_CHANGED, ("parent",)),
                (EventKind.CANTEEN_CHANGED, ("canteen", "canteen_host")),
                (status_kind[u["status"]], ("status",)),
            ):
                changes = {f: [before[f], after[f]] for f in fields if before[f] != after[f]}
                if changes:
                    events.append((existing["id"], kind, changes))
            updated.append((existing, values))
        batch_id = self.batch.pk if self.batch else None
        insert_rows(
            "orgs_unit",
            [
                "code",
                "name",
                "kind",
                "region_id",
                "tree_path",
                "canteen",
                "canteen_contractor",
                "status",
                "status_changed_on",
                "registered_on",
                "source_batch_id",
            ],
            (
                (
                    u.code,
                    u.name,
                    u.kind,
                    u.region_id,
                    u.tree_path,
                    u.canteen,
                    "",
                    u.status,
                    None if u.status == "active" else self.today,
                    u.registered_on,
                    batch_id,
                )
                for u in created
            ),
        )
        self.unit_ids = {c: u["id"] for c, u in self.units_db.items()}
        if created:
            new_codes = {u.code for u in created}
            self.unit_ids.update(
                (code, pk)
                for code, pk in Unit.objects.filter(source_batch_id=batch_id).values_list(
                    "code", "id"
                )
                if code in new_codes
            )
        for existing, values in updated:
            old_path = existing["tree_path"]
            if existing["status"] != values["status"]:
                values["status_changed_on"] = None if values["status"] == "active" else self.today
            Unit.objects.filter(pk=existing["id"]).update(source_batch=self.batch, **values)
            if old_path != values["tree_path"]:
                Unit.objects.filter(tree_path__startswith=old_path).exclude(
                    pk=existing["id"]
                ).update(
                    tree_path=Concat(
                        Value(values["tree_path"]), Substr("tree_path", len(old_path) + 1)
                    )
                )
        new_codes = {u.code for u in created}
        refs = [
            (code, *self.refs_of(u))
            for code, u in units.items()
            if code in new_codes or self.refs_of_existing(code) != self.refs_of(u)
        ]
        if refs:
            temp_table(
                "zn_unit_refs",
                "code varchar(40), parent_code varchar(40), host_code varchar(40), "
                "owner_code varchar(40)",
            )
            insert_rows("zn_unit_refs", ["code", "parent_code", "host_code", "owner_code"], refs)
            execute("CREATE INDEX zn_unit_refs_code ON zn_unit_refs (code)")
            analyze("zn_unit_refs")
            # one join, not three correlated subqueries per unit (1.5 s for a province's units)
            execute(
                "UPDATE orgs_unit SET parent_id = p.id, canteen_host_id = h.id, owner_id = o.id "
                "FROM zn_unit_refs r "
                "LEFT JOIN orgs_unit p ON p.code = r.parent_code "
                "LEFT JOIN orgs_unit h ON h.code = r.host_code "
                "LEFT JOIN orgs_unit o ON o.code = r.owner_code "
                "WHERE orgs_unit.code = r.code"
            )
            execute("DROP TABLE zn_unit_refs")
        now = timezone.now()
        event_rows = [
            (
                uid,
                kind,
                self.today,
                json.dumps(changes, ensure_ascii=False),
                "平台数据导入",
                now,
                "",
            )
            for uid, kind, changes in events
        ]
        event_rows += [
            (
                self.unit_ids[u.code],
                EventKind.REGISTERED,
                u.registered_on,
                "{}",
                "平台数据导入",
                now,
                "",
            )
            for u in created
        ]
        insert_rows(
            "orgs_unitevent",
            ["unit_id", "kind", "effective_on", "changes", "note", "recorded_at", "document_no"],
            event_rows,
        )
        self.touched_units |= set(units)
        self.report.count("units", len(created), len(updated), unchanged)

    @staticmethod
    def refs_of(unit) -> tuple:
        """A unit's references to other units as the file gives them: supervising unit, canteen
        host, owner (codes, None when blank)."""
        return (unit["parent"] or None, unit["host"] or None, unit["owner"] or None)

    def refs_of_existing(self, code) -> tuple:
        existing = self.units_db[code]
        return (existing["parent__code"], existing["canteen_host__code"], existing["owner__code"])

    # --- accounts ---------------------------------------------------------------------------------

    def unit_region(self, code: str, units) -> str | None:
        if code in units:
            return units[code]["region"]
        existing = self.units_db.get(code)
        return existing["region_id"] if existing else None

    def check_unit(self, sheet, number, code, units) -> bool:
        """A unit named by a row must exist (in the file or already) and lie in the scope. Both
        failures read alike, so an import never tells whether another region's unit exists."""
        region = self.unit_region(code, units)
        if region is None or not self.in_scope(region):
            self.report.error(sheet, number, "单位编码", unit_unknown(code, self.scope))
            return False
        self.touched_units.add(code)
        return True

    def read_accounts(self, source, columns, units) -> dict[str, dict]:
        kinds = accepting(ACCOUNT_KINDS)
        accounts: dict[str, dict] = {}
        for number, row in self.rows(source, "accounts", columns):
            login = self.field("accounts", number, row, "account_id", parse.code)
            unit = self.field("accounts", number, row, "unit_code", parse.code)
            kind = self.field("accounts", number, row, "kind", parse.choice, kinds, "账号类型")
            opened = self.field("accounts", number, row, "opened_on", parse.day)
            activated = self.field("accounts", number, row, "activated_on", parse.day)
            if login is None:
                continue
            if len(login) > 64:
                self.report.error("accounts", number, "账号", "账号不超过64位")
                continue
            if login in accounts:
                self.report.error(
                    "accounts", number, "账号", f"账号 {login} 与第{accounts[login]['row']}行重复"
                )
                continue
            if unit is not None:
                self.check_unit("accounts", number, unit, units)
            if opened and activated and activated < opened:
                self.report.error(
                    "accounts", number, "激活日期", f"激活日期 {activated} 早于开通日期 {opened}"
                )
            accounts[login] = {
                "row": number,
                "login": login,
                "unit": unit,
                "kind": kind,
                "opened_on": opened,
                "activated_on": activated,
            }
        if self.scope is not None:
            owners = Account.objects.filter(login__among=many(accounts)).values_list(
                "login", "unit__region__path"
            )
            for login, path in owners:
                if not path.startswith(self.scope.path):
                    self.report.error(
                        "accounts",
                        accounts[login]["row"],
                        "账号",
                        f"账号 {login} 已被本次导入范围以外的单位使用",
                    )
        management: dict[str, str] = {}
        existing = dict(
            Account.objects.filter(kind="management").values_list("login", "unit__code")
        )
        for login, unit_code in existing.items():
            if login not in accounts:
                management[unit_code] = login
        for a in accounts.values():
            if a["kind"] == "management" and a["unit"]:
                other = management.get(a["unit"])
                if other and other != a["login"]:
                    self.report.error(
                        "accounts",
                        a["row"],
                        "账号类型",
                        f"单位 {a['unit']} 已有管理账号，每个单位只有一个管理账号",
                    )
                management[a["unit"]] = a["login"]
        return accounts

    def apply_accounts(self, accounts) -> None:
        current = {
            a["login"]: a
            for a in Account.objects.filter(login__among=many(accounts)).values(
                "id", "login", "unit_id", "kind", "opened_on", "activated_on"
            )
        }
        created, updated, unchanged = [], [], 0
        for login, a in accounts.items():
            values = {
                "unit_id": self.unit_ids[a["unit"]],
                "kind": a["kind"],
                "opened_on": a["opened_on"],
                "activated_on": a["activated_on"],
            }
            old = current.get(login)
            if old is None:
                created.append(
                    SimpleNamespace(login=login, source_batch_id=self.batch.pk, **values)
                )
            elif all(old[k] == v for k, v in values.items()):
                unchanged += 1
            else:
                updated.append(Account(pk=old["id"], source_batch=self.batch, **values))
        insert_rows(
            "orgs_account",
            [
                "login",
                "unit_id",
                "kind",
                "holder",
                "mobile",
                "opened_on",
                "activated_on",
                "is_contractor",
                "source_batch_id",
            ],
            (
                (
                    a.login,
                    a.unit_id,
                    a.kind,
                    "",
                    "",
                    a.opened_on,
                    a.activated_on,
                    False,
                    a.source_batch_id,
                )
                for a in created
            ),
        )
        Account.objects.bulk_update(
            updated, ["unit", "kind", "opened_on", "activated_on", "source_batch"], batch_size=1000
        )
        self.report.count("accounts", len(created), len(updated), unchanged)

    # --- reservations -----------------------------------------------------------------------------

    def read_reservations(self, source, columns, units) -> dict[tuple[str, int], dict]:
        statuses = accepting(RESERVATION_STATUSES)
        result: dict[tuple[str, int], dict] = {}
        for number, row in self.rows(source, "reservations", columns):
            unit = self.field("reservations", number, row, "unit_code", parse.code)
            year = self.field("reservations", number, row, "year", parse.year)
            total = self.field("reservations", number, row, "canteen_total", parse.money)
            ratio = self.field("reservations", number, row, "ratio", parse.percent)
            amount = self.field("reservations", number, row, "reserved_amount", parse.money)
            filed = self.field("reservations", number, row, "filed_on", parse.day)
            status = self.field(
                "reservations", number, row, "status", parse.choice, statuses, "状态"
            )
            if unit is None or year is None:
                continue
            if (unit, year) in result:
                self.report.error(
                    "reservations",
                    number,
                    "单位编码",
                    f"单位 {unit} 的 {year} 年度预留份额与第{result[(unit, year)]['row']}行重复",
                )
                continue
            self.check_unit("reservations", number, unit, units)
            for value, column in ((total, "年度食堂食材采购总额"), (amount, "预留金额")):
                if value is not None and value < 0:
                    self.report.error("reservations", number, column, f"{column}不能为负数")
            if ratio is None and total is not None and amount is not None:
                ratio = ratio_of(total, amount)
            result[(unit, year)] = {
                "row": number,
                "unit": unit,
                "year": year,
                "canteen_total": total,
                "ratio": ratio,
                "reserved_amount": amount,
                "filed_on": filed,
                "status": status,  # blank: a new filing is 已填报, an existing one keeps its status
            }
        return result

    def apply_reservations(self, reservations) -> None:
        current = {
            (r["unit__code"], r["year"]): r
            for r in Reservation.objects.filter(
                unit__code__among=many({u for u, _y in reservations})
            ).values(
                "id",
                "unit__code",
                "year",
                "canteen_total",
                "ratio",
                "reserved_amount",
                "filed_on",
                "figures_on",
                "status",
            )
        }
        created, updated, unchanged = [], [], 0
        fields = ("canteen_total", "ratio", "reserved_amount", "filed_on", "status")
        for key, r in reservations.items():
            self.touched_years.add(r["year"])
            values = {f: r[f] for f in fields}
            old = current.get(key)
            values["status"] = values["status"] or (old["status"] if old else "filed")
            if old is None:
                created.append(
                    SimpleNamespace(
                        unit_id=self.unit_ids[r["unit"]],
                        year=r["year"],
                        source_batch_id=self.batch.pk,
                        **values,
                    )
                )
            elif all(old[f] == values[f] for f in fields):
                unchanged += 1
            else:
                figures = ("canteen_total", "ratio", "reserved_amount")
                changed = any(old[f] != values[f] for f in figures)
                # new figures count from the import (the platform gives no date for a change),
                # so earlier tables keep the old ones
                values["figures_on"] = self.today if changed else old["figures_on"]
                updated.append(Reservation(pk=old["id"], source_batch=self.batch, **values))
        insert_rows(
            "reservations_reservation",
            [
                "unit_id",
                "year",
                "canteen",
                "canteen_total",
                "ratio",
                "reserved_amount",
                "filed_on",
                "figures_on",
                "status",
                "version",
                "source_batch_id",
            ],
            (
                (
                    r.unit_id,
                    r.year,
                    "",
                    r.canteen_total,
                    r.ratio,
                    r.reserved_amount,
                    r.filed_on,
                    r.filed_on,
                    r.status,
                    1,
                    r.source_batch_id,
                )
                for r in created
            ),
        )
        Reservation.objects.bulk_update(
            updated, [*fields, "figures_on", "source_batch"], batch_size=1000
        )
        Reservation.objects.filter(pk__among=many(r.pk for r in updated)).update(
            version=F("version") + 1
        )
        self.record_filing_steps(created, updated)
        self.report.count("reservations", len(created), len(updated), unchanged)

    def record_filing_steps(self, created, updated) -> None:
        """A step per filing imported or changed, dated by the platform's filing date for a new
        one and by the import for a change, so the filing can be read back as of any date. The
        filings are read back by this import's batch (every created or changed one carries it,
        an unchanged one keeps its earlier batch) and the steps go in with COPY: 20,000 model
        objects and two 20,000-value IN lists cost a province's import several seconds."""
        if not created and not updated:
            return
        changed = {r.pk for r in updated}
        figures = Reservation.objects.filter(source_batch=self.batch).values_list(
            "id", "filed_on", "status", "canteen_total", "ratio", "reserved_amount"
        )
        now = timezone.now()
        new = figures.exclude(pk__among=many(changed)) if changed else figures
        rows = [
            (pk, Action.IMPORTED, status, *amounts, filed_on, now, "")
            for pk, filed_on, status, *amounts in new.order_by("id").iterator(chunk_size=5000)
        ]
        if changed:
            rows += [
                (pk, Action.IMPORTED, status, *amounts, self.today, now, "")
                for pk, _filed_on, status, *amounts in figures.filter(
                    pk__among=many(changed)
                ).order_by("id")
            ]
        insert_rows(
            "reservations_filingstep",
            [
                "reservation_id",
                "action",
                "status",
                "canteen_total",
                "ratio",
                "reserved_amount",
                connection.ops.quote_name("on"),
                "at",
                "reason",
            ],
            rows,
        )

    # --- transactions -----------------------------------------------------------------------------

    def load_transactions(self, source, columns, units) -> None:
        from .staging import TransactionStage

        channels = accepting(CHANNELS)
        known_units = set(units) | set(self.units_db)
        scope_ok: dict[str, bool] = {}
        unit_ids = self.unit_ids
        touched = self.touched_units
        sheet = "transactions"
        report = self.report
        field = self.field

        def slow(number, row, write):
            """Every check, with a message per bad cell; used when the fast path declines a row."""
            errors_before = report.error_count
            order_no = field(sheet, number, row, "order_no", parse.code)
            unit = field(sheet, number, row, "unit_code", parse.code)
            amount = field(sheet, number, row, "amount", parse.money)
            ordered = field(sheet, number, row, "ordered_on", parse.day)
            completed = field(sheet, number, row, "completed_on", parse.day)
            channel = (
                field(sheet, number, row, "channel", parse.choice, channels, "渠道") or "canteen"
            )
            supplier = field(sheet, number, row, "supplier", parse.text) or ""
            product = field(sheet, number, row, "product", parse.text) or ""
            origin = field(sheet, number, row, "origin_code", parse.code) or ""
            if order_no is not None and len(order_no) > 64:
                report.error(sheet, number, "订单号", "订单号不超过64位")
            if unit is not None and (unit not in known_units or not unit_in_scope(unit)):
                report.error(sheet, number, "单位编码", unit_unknown(unit, self.scope))
            if origin and origin not in self.region_paths:
                report.error(sheet, number, "产地区划代码", f"未知的区划代码 {origin}")
            if len(supplier) > 128 or len(product) > 255:
                report.error(sheet, number, "商品", "供应商不超过128字，商品不超过255字")
            if report.error_count != errors_before:
                return
            year = (completed or ordered).year
            self.touched_years.add(year)
            touched.add(unit)
            write(
                (
                    number,
                    order_no,
                    unit_ids.get(unit),
                    channel,
                    amount,
                    ordered,
                    completed,
                    year,
                    supplier,
                    product,
                    origin,
                )
            )

        def unit_in_scope(unit):
            if unit not in scope_ok:
                region = self.unit_region(unit, units)
                scope_ok[unit] = not region or self.in_scope(region)
            return scope_ok[unit]

        index = columns[sheet]
        keys = list(index.items())
        positions = [
            index.get(k)
            for k in (
                "order_no",
                "unit_code",
                "amount",
                "ordered_on",
                "completed_on",
                "channel",
                "supplier",
                "product",
                "origin_code",
            )
        ]
        width = max(i for i in positions if i is not None) + 1
        if None in positions:  # a column the sheet lacks reads as an empty cell

            def pick(values):
                return tuple("" if i is None else values[i] for i in positions)

        else:
            pick = itemgetter(*positions)  # the nine cells in one call
        days: dict[str, tuple[str, int] | None] = {}
        scoped: dict = {}
        money_plain = parse.MONEY_PLAIN.match
        regions = self.region_paths
        years = self.touched_years
        limit = self.max_rows + 1

        def day_of(text):
            """(ISO date, year) of a date cell, or None: each distinct text parsed once."""
            if text in days:
                return days[text]
            try:
                found = parse.day(text)
                found = (found.isoformat(), found.year)
            except (ValueError, TypeError):
                found = None
            if len(days) < 100_000:
                days[text] = found
            return found

        def unit_id_of(code):
            """The id of a unit a row may name (known, in the import's region), else 0."""
            found = unit_ids[code] if code in unit_ids and unit_in_scope(code) else 0
            scoped[code] = found
            return found

        def run(write, stop=False):
            """The common case (text cells, all valid) without a function call per cell: each
            distinct date and unit code is looked at once. With `stop`, the first error ends
            the reading (NotLoadedDirectly)."""
            done = self.done
            with source.reading(sheet) as rows:
                next(rows, None)
                for number, values in rows:
                    done += 1
                    if number > limit:
                        self.check_row_limit(sheet, number)
                    if done % 50000 == 0:
                        self.done = done
                        self.progress(done, self.total, sheet)
                    if len(values) < width:
                        values = list(values) + [""] * (width - len(values))
                    try:
                        (
                            order_no,
                            unit,
                            amount,
                            ordered_text,
                            completed_text,
                            channel_text,
                            supplier,
                            product,
                            origin,
                        ) = pick(values)
                        ordered = days.get(ordered_text) or day_of(ordered_text)
                        completed = (
                            (days.get(completed_text) or day_of(completed_text))
                            if completed_text
                            else None
                        )
                        channel = channels.get(channel_text) if channel_text else "canteen"
                        unit_id = scoped.get(unit)
                        if unit_id is None:
                            unit_id = unit_id_of(unit)
                        fast = (
                            report.error_count == 0
                            and type(order_no) is str
                            and 0 < len(order_no) <= 64
                            and order_no[0] != "'"
                            and order_no.strip() == order_no
                            and type(amount) is str
                            and money_plain(amount)
                            and len(amount) <= 16
                            and ordered is not None
                            and (completed is not None or not completed_text)
                            and channel is not None
                            and unit_id
                            and (not origin or origin in regions)
                            and type(supplier) is str
                            and len(supplier) <= 128
                            and supplier[:1] != "'"
                            and type(product) is str
                            and len(product) <= 255
                            and product[:1] != "'"
                            and supplier.strip() == supplier
                            and product.strip() == product
                        )
                    except TypeError:  # a cell that is no text (a workbook's number or date)
                        fast = False
                    if fast:
                        year = (completed or ordered)[1]
                        years.add(year)
                        touched.add(unit)
                        write(
                            (
                                number,
                                order_no,
                                unit_id,
                                channel,
                                amount,
                                ordered[0],
                                completed[0] if completed else None,
                                year,
                                supplier,
                                product,
                                origin,
                            )
                        )
                        continue
                    row = {k: (values[i] if i < len(values) else None) for k, i in keys}
                    if all(blank(v) for v in row.values()):
                        continue
                    slow(number, row, write)
                    if stop and report.error_count:
                        raise NotLoadedDirectly
            self.done = done

        if self.load_directly(source, run):
            return
        stage = TransactionStage()  # also when other sheets had errors: duplicates are still found
        with stage.writer() as write:
            run(write)
        stage.finish()
        for order_no, rows in stage.duplicates():
            for row in rows[1:]:
                report.error(sheet, row, "订单号", f"订单号 {order_no} 与第{rows[0]}行重复")
        if self.scope is not None:
            for rownum, order_no in stage.foreign_orders(self.scope.path):
                report.error(
                    sheet, rownum, "订单号", f"订单号 {order_no} 已属于本次导入范围以外的单位"
                )
        if report.ok:
            created, updated, unchanged = stage.counts()
            from zhunong.market.sales import link_lines

            # the worker sums a large import's units; a ledger smaller than the import gets its
            # indexes built afterwards instead of written line by line (ADR 0030)
            with deferred_unit_sums(created + updated), bulk_load(created):
                stage.apply(self.batch.pk, creates=created > 0, updates=updated > 0)
                link_lines(batch_id=self.batch.pk)  # each line to its marketplace supplier
            report.count(sheet, created, updated, unchanged)
        stage.drop()

    def load_directly(self, source, run) -> bool:
        """A large first import writes its transactions straight into the ledger as it reads
        them (ADR 0031), not into the staging table and from there into the ledger: the ledger's
        writing then runs on the database while Python reads the next rows. Only where
        bulk_load takes the ledger's indexes and constraints away for the load (PostgreSQL, a
        file of `BULK_FROM` lines or more, a ledger holding fewer), and only for a file without
        a fault: the first bad cell, or an order number that the file repeats or the ledger
        already holds (which the unique constraint finds when it comes back), undoes the load
        to its savepoint, and the file is read again through the staging table, which reports
        every fault the usual way. Returns whether the file was loaded here."""
        report = self.report
        if connection.vendor != "postgresql" or not report.ok:
            return False
        estimate = source.size_hint("transactions") - 1  # the header
        if estimate < bulk.BULK_FROM:
            return False
        done = self.done
        units, years = set(self.touched_units), set(self.touched_years)
        ledger = LedgerWriter(self.batch.pk)
        try:
            # the savepoint undoes a failed load (the unit sums' deferral first undoes the
            # writes made inside it, then ends)
            with (
                transaction.atomic(),
                deferred_unit_sums(estimate),
                bulk_load(estimate) as rebuilt,
            ):
                if not rebuilt:
                    raise NotLoadedDirectly
                with ledger.writer() as write:
                    run(write, stop=True)
                from zhunong.market.sales import link_lines

                link_lines(batch_id=self.batch.pk)  # each line to its marketplace supplier
        except (NotLoadedDirectly, IntegrityError):
            report.error_count, report.errors[:] = 0, []  # it was clean before (report.ok)
            self.done = done
            for found, kept in ((self.touched_units, units), (self.touched_years, years)):
                found.clear()  # in place: the reading loop holds these sets
                found |= kept
            return False
        report.count("transactions", ledger.rows, 0, 0)
        return True
