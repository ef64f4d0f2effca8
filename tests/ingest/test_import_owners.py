"""The owners of state-owned enterprises and trade unions (所属单位编码, platform-export-v1.1): read
from the optional column, else the supervising unit; checked like the other references; and
counted in the progress table, where an enterprise's purchases count to its owner."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.ingest.conftest import HEADERS, base_rows, write_folder
from tests.ingest.test_import import run, snapshot
from tests.supervision.conftest import table
from zhunong.ingest.exporter import write_csv_folder
from zhunong.ingest.template import template_workbook
from zhunong.orgs.models import Unit
from zhunong.regions.models import Region
from zhunong.supervision import tally

WITH_OWNER = {**HEADERS, "units": [*HEADERS["units"], "所属单位编码"]}
FIRST_NEW_ROW = 8  # base_rows() has six units, below the header


def owners() -> dict[str, str | None]:
    return dict(Unit.objects.values_list("code", "owner__code"))


def state():
    """What an import may change, owners included."""
    return snapshot(), owners()


def rows_with(*units, transactions=(), accounts=()) -> dict[str, list[list]]:
    """base_rows() with the 所属单位编码 column (blank) and these units added, each given as
    (code, region, parent, kind, owner)."""
    rows = base_rows()
    rows["units"] = [[*r, ""] for r in rows["units"]]
    for code, region, parent, kind, owner in units:
        rows["units"].append([code, f"单位{code}", region, parent, kind, "", "", "正常", owner])
    rows["transactions"] += list(transactions)
    rows["accounts"] += list(accounts)
    return rows


def importing(tmp_path, rows, name="file", headers=WITH_OWNER, **kwargs):
    return run(write_folder(tmp_path / name, rows, headers=headers), **kwargs)


def refused(tmp_path, rows, **kwargs) -> set[tuple]:
    before = state()
    batch = importing(tmp_path, rows, name="refused", **kwargs)
    assert batch.state == "failed"
    assert state() == before, "a refused file changed the database"
    return {(e["sheet"], e["row"], e["column"], e["message"]) for e in batch.report["errors"]}


# --- reading the column ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_file_without_the_column_imports_as_before(tmp_path):
    old = importing(tmp_path, base_rows(), name="old", headers=HEADERS)
    assert old.state == "succeeded", old.report["errors"]
    assert old.report["sheets"]["units"] == {"created": 6, "updated": 0, "unchanged": 0}
    assert old.report["warnings"] == []
    assert set(owners().values()) == {None}  # the union P-GQ-U has no supervising unit
    # the same file with the column, every cell blank, is the same data
    new = importing(tmp_path, rows_with(), name="new")
    assert new.report["sheets"]["units"] == {"created": 0, "updated": 0, "unchanged": 6}
    assert new.report["warnings"] == []


@pytest.mark.django_db
def test_the_column_is_read_by_its_chinese_or_english_name(tmp_path):
    rows = rows_with(("S-1", "410100", "", "国有企业", "P-CITY"))
    english = {**WITH_OWNER, "units": [*HEADERS["units"], "OWNER_UNIT_CODE"]}
    batch = importing(tmp_path, rows, headers=english)
    assert batch.state == "succeeded", batch.report["errors"]
    assert batch.report["warnings"] == []  # not ignored as an unknown column
    assert owners()["S-1"] == "P-CITY"


@pytest.mark.django_db
def test_an_enterprise_or_union_belongs_to_its_given_owner_else_its_supervising_unit(tmp_path):
    rows = rows_with(
        ("S-GIVEN", "410100", "", "国有企业", "P-CITY"),
        ("S-PARENT", "410105", "P-JS1", "soe", ""),
        ("U-BOTH", "410105", "P-JS1", "工会", "P-CITY"),  # the given owner wins
        ("U-NONE", "410105", "", "union", ""),
        ("U-NEW-OWNER", "410173", "", "工会", "B-LATER"),  # an owner on a later row
        ("B-LATER", "410173", "", "预算单位", ""),
    )
    batch = importing(tmp_path, rows)
    assert batch.state == "succeeded", batch.report["errors"]
    found = owners()
    assert found["S-GIVEN"] == "P-CITY"
    assert found["S-PARENT"] == "P-JS1"
    assert found["U-BOTH"] == "P-CITY"
    assert found["U-NONE"] is None
    assert found["U-NEW-OWNER"] == "B-LATER"
    assert found["P-JS2"] is None  # a budget unit under P-JS1 is owned by nobody


@pytest.mark.django_db
def test_a_file_without_the_column_gives_an_enterprise_its_supervising_unit(tmp_path):
    rows = base_rows()
    rows["units"].append(["S-OLD", "老格式国企", "410105", "P-JS1", "国有企业", "", "", "正常"])
    batch = importing(tmp_path, rows, headers=HEADERS)
    assert batch.state == "succeeded", batch.report["errors"]
    assert owners()["S-OLD"] == "P-JS1"


# --- what is refused ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["预算单位", "budget_unit", ""])
def test_a_budget_unit_with_an_owner_is_an_error(tmp_path, kind):
    rows = rows_with(("B-1", "410105", "", kind, "P-CITY"))
    assert refused(tmp_path, rows) == {
        ("units", FIRST_NEW_ROW, "所属单位编码", "只有国有企业和工会可以填写所属单位编码")
    }


@pytest.mark.django_db
def test_an_unreadable_kind_is_the_only_error_of_its_row(tmp_path):
    rows = rows_with(("B-1", "410105", "", "事业单位", "P-CITY"))
    assert {(e[1], e[2]) for e in refused(tmp_path, rows)} == {(FIRST_NEW_ROW, "单位类型")}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("owner", "message"),
    [
        ("NOBODY", "未知的单位编码 NOBODY"),
        ("S-1", "不能是本单位"),
        ("P-GQ-U", "所属单位 P-GQ-U 是工会，所属单位须为预算单位"),
        ("S-2", "所属单位 S-2 是国有企业，所属单位须为预算单位"),
    ],
    ids=["unknown", "itself", "a-union", "an-enterprise"],
)
def test_a_bad_owner_is_an_error_naming_the_row_and_column(tmp_path, owner, message):
    rows = rows_with(
        ("S-1", "410105", "P-JS1", "国有企业", owner),
        ("S-2", "410105", "P-JS1", "国有企业", ""),
    )
    assert refused(tmp_path, rows) == {("units", FIRST_NEW_ROW, "所属单位编码", message)}


@pytest.mark.django_db
def test_an_owner_already_in_zhunong_is_judged_by_its_kind_there(tmp_path):
    assert importing(tmp_path, rows_with(), name="first").state == "succeeded"
    rows = rows_with(("S-1", "410105", "", "国有企业", "P-GQ-U"))
    assert refused(tmp_path, rows) == {
        ("units", FIRST_NEW_ROW, "所属单位编码", "所属单位 P-GQ-U 是工会，所属单位须为预算单位")
    }


@pytest.mark.django_db
def test_an_owner_that_the_file_turns_into_a_union_is_an_error(tmp_path):
    rows = rows_with(("S-1", "410105", "", "国有企业", "P-GQ1"))
    rows["units"][4][4] = "工会"  # P-GQ1
    assert refused(tmp_path, rows) == {
        ("units", FIRST_NEW_ROW, "所属单位编码", "所属单位 P-GQ1 是工会，所属单位须为预算单位")
    }


def test_an_owner_outside_the_scope_reads_as_unknown(world, tmp_path):
    from tests.ingest.test_scope_and_round_trip import jinshui_only

    rows = jinshui_only()
    rows["units"] = [[*r, ""] for r in rows["units"]]
    # C-EDU (郑州市教育局) exists, but in 郑州市, above the 金水区 bureau's scope
    rows["units"].append(["S-JS", "金水国企", "410105", "", "国有企业", "", "", "正常", "C-EDU"])
    errors = refused(tmp_path, rows, actor=world.js_finance, region=world.jinshui)
    assert errors == {("units", 4, "所属单位编码", "未知的单位编码 C-EDU")}


@pytest.mark.django_db
def test_a_supervising_enterprise_is_no_owner_and_is_warned_about(tmp_path):
    rows = rows_with(
        ("S-GROUP", "410100", "", "国有企业", "P-CITY"),
        ("S-SUB", "410100", "S-GROUP", "国有企业", ""),  # a subsidiary: owner left blank
    )
    batch = importing(tmp_path, rows)
    assert batch.state == "succeeded", batch.report["errors"]
    assert owners()["S-SUB"] is None
    assert batch.report["warnings"] == [
        f"工作表 units 第{FIRST_NEW_ROW + 1}行：主管单位 S-GROUP 是国有企业，不能作为所属单位，"
        "该单位未设所属单位（其采购不计入任何预算单位）；请填写所属单位编码"
    ]


# --- re-importing ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_newer_file_changes_or_clears_the_owner(tmp_path):
    def counts(owner, parent="", name="file"):
        batch = importing(tmp_path, rows_with(("S-1", "410105", parent, "国有企业", owner)), name)
        assert batch.state == "succeeded", batch.report["errors"]
        return batch.report["sheets"]["units"]

    assert counts("P-CITY", name="first")["created"] == 7
    assert owners()["S-1"] == "P-CITY"
    assert counts("P-JS1", name="changed") == {"created": 0, "updated": 1, "unchanged": 6}
    assert owners()["S-1"] == "P-JS1"
    assert counts("P-JS1", name="again") == {"created": 0, "updated": 0, "unchanged": 7}
    # blank: the supervising unit becomes the owner; both blank: no owner
    assert counts("", parent="P-EQ1", name="parent") == {"created": 0, "updated": 1, "unchanged": 6}
    assert owners()["S-1"] == "P-EQ1"
    assert counts("", name="cleared") == {"created": 0, "updated": 1, "unchanged": 6}
    assert owners()["S-1"] is None
    # an owner change is not a dated 变更主管单位: only the supervising unit's changes are
    kinds = list(Unit.objects.get(code="S-1").events.values_list("kind", flat=True))
    assert kinds == ["registered", "parent_changed", "parent_changed"]


# --- the progress table ------------------------------------------------------------------------


SOE_ACCOUNT = ["s-1-gl", "S-1", "管理账号", "2024-01-02", "2024-01-03"]
SOE_ORDER = ["T-S1", "S-1", "700.00", "2024-07-01", "2024-07-02", "国有企业", "", "", ""]
AS_OF = date(2024, 12, 31)


def city_table():
    """The city's table, the fast one held equal to the reference (the naive sums)."""
    return table(Region.objects.get(code="410100"), as_of=AS_OF)


def figures_of(t) -> dict[str, tuple]:
    return {r.key: (r.units, r.trading, r.completed) for r in t.all_rows()}


@pytest.mark.django_db
def test_an_imported_enterprise_buys_for_its_owner_in_the_progress_table(tmp_path):
    def imported(owner, name):
        rows = rows_with(
            ("S-1", "410105", "", "国有企业", owner),
            transactions=[SOE_ORDER],
            accounts=[SOE_ACCOUNT],
        )
        assert importing(tmp_path, rows, name).state == "succeeded"
        return figures_of(city_table())

    unowned = imported("", "unowned")
    owned = imported("P-CITY", "owned")
    # 700 more for 本级 (P-CITY's row); 金水区, where the enterprise stands, is unchanged
    assert owned["own"][2] - unowned["own"][2] == Decimal("700.00")
    assert owned["total"][2] - unowned["total"][2] == Decimal("700.00")
    assert owned["410105"] == unowned["410105"]
    # the enterprise, though it has a management account, is not counted as a unit
    assert owned["total"][:2] == unowned["total"][:2]
    # moved to an owner in 金水区: the 700 follows (table() holds the fast table, from the
    # rollup and the tally, to the reference after each import)
    moved = imported("P-JS1", "moved")
    assert moved["own"] == unowned["own"]
    assert moved["410105"][2] - unowned["410105"][2] == Decimal("700.00")
    assert moved["410105"][2] == Decimal("3700.00")  # T-003 3000 + the enterprise's 700
    assert moved["total"] == owned["total"]
    assert tally.differences() == []


# --- export and template -----------------------------------------------------------------------


def csv_units(folder) -> dict[str, list[str]]:
    import csv

    with open(folder / "units.csv", encoding="utf-8-sig", newline="") as f:
        return {r[0]: r for r in list(csv.reader(f))[1:]}


@pytest.mark.django_db
def test_the_export_writes_the_owner_and_imports_back_unchanged(tmp_path):
    rows = rows_with(
        ("S-1", "410105", "P-JS1", "国有企业", ""),
        ("S-2", "410105", "P-JS1", "国有企业", "P-CITY"),
    )
    assert importing(tmp_path, rows).state == "succeeded"
    write_csv_folder(tmp_path / "city", Region.objects.get(code="410100"))
    units = csv_units(tmp_path / "city")
    assert units["S-1"][-1] == "P-JS1"  # written also where it is the supervising unit
    assert units["S-2"][-1] == "P-CITY"
    assert units["P-CITY"][-1] == ""
    before = state()
    again = run(tmp_path / "city")
    assert again.report["sheets"]["units"]["updated"] == 0
    assert state() == before
    # a district's export leaves an owner outside the district blank
    write_csv_folder(tmp_path / "js", Region.objects.get(code="410105"))
    assert csv_units(tmp_path / "js")["S-2"][-1] == ""


def test_the_template_has_the_column_and_explains_it():
    wb = load_workbook(io.BytesIO(template_workbook()))
    assert [c.value for c in wb["units"][1]][-1] == "所属单位编码"
    help_text = "\n".join(str(c.value) for c in wb["说明"]["A"] if c.value)
    assert "所属单位编码：只有国有企业和工会填写" in help_text
    assert "单位编码*、单位名称*、区划代码*" in help_text and "状态、所属单位编码" in help_text
