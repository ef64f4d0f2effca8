from datetime import date

from django.utils import timezone

from zhunong.orgs import services
from zhunong.web.audit import audit_entries


def test_activation_shows_in_the_district_audit_log_with_before_and_after(world, client_for):
    client = client_for(world.js_finance)
    response = client.post(f"/accounts/{world.js_school_trade.pk}/activate/")
    assert response.status_code == 302
    entries = audit_entries(world.js_finance)
    entry = next(e for e in entries if e.label == "j-sch1-jy01")
    assert entry.who == "js_finance"
    assert entry.action == "修改"
    field, old, new = next(c for c in entry.changes if c[0] == "激活日期")
    today = timezone.localdate()
    assert (old, new) == ("—", f"{today.year}年{today.month}月{today.day}日")
    page = client.get("/audit/").content.decode()
    assert "j-sch1-jy01" in page and "激活日期" in page


def test_a_foreign_district_bureau_does_not_see_the_entry(world):
    services.account_activate(actor=world.js_finance, account=world.js_school_trade)
    assert not [e for e in audit_entries(world.eq_finance) if e.label == "j-sch1-jy01"]
    assert [e for e in audit_entries(world.city_finance) if e.label == "j-sch1-jy01"]


def test_renames_and_memberships_are_audited(world):
    services.unit_rename(
        actor=world.js_finance,
        unit=world.js_school,
        name="金水区实验小学",
        effective_on=date(2024, 1, 1),
    )
    services.membership_grant(
        actor=world.js_admin, user=world.nobody, role="buyer", unit=world.js_school
    )
    entries = audit_entries(world.js_finance)
    rename = next(e for e in entries if e.label == "金水区实验小学")
    assert ("单位名称", "金水区第一小学", "金水区实验小学") in rename.changes
    assert any(e.what == "成员身份" and e.action == "新增" for e in entries)


def test_a_move_shows_the_new_supervisor_in_chinese_not_the_derived_path(world):
    """Moving a unit under another supervisor changes its derived tree path too; the log shows the
    change a person made, with Chinese field names only."""
    services.unit_set_parent(
        actor=world.js_finance, unit=world.js_school2, parent=None, effective_on=date(2024, 1, 1)
    )
    entries = audit_entries(world.js_finance)
    move = next(e for e in entries if e.label == "金水区第二小学" and e.changes)
    fields = [c[0] for c in move.changes]
    assert "主管预算单位" in fields or "主管单位" in fields, fields
    assert all(not f.isascii() for f in fields), fields


def test_a_choice_shows_by_its_label_and_a_supervisor_by_its_name(world):
    """The log is read by people: 自有食堂 → 无食堂, not own → none; the new supervising unit by
    its name, not its number."""
    services.unit_set_canteen(
        actor=world.js_finance, unit=world.js_dept, canteen="none", effective_on=date(2024, 1, 1)
    )
    for parent, day in ((None, date(2024, 1, 1)), (world.js_dept, date(2024, 2, 1))):
        services.unit_set_parent(
            actor=world.js_finance, unit=world.js_school2, parent=parent, effective_on=day
        )
    entries = audit_entries(world.js_finance)
    changes = [c for e in entries for c in e.changes]
    assert ("食堂情况", "自有食堂", "无食堂") in changes, changes
    assert any(new == world.js_dept.name for _, _, new in changes), changes


def test_a_change_to_an_imported_unit_says_its_earlier_state_was_not_recorded(world, client_for):
    """An import writes units in bulk, without audit records: the first change has nothing to
    compare with, and the log says so instead of showing an empty cell."""
    world.js_dept.history.all().delete()  # as an imported unit stands
    services.unit_set_canteen(
        actor=world.js_finance, unit=world.js_dept, canteen="none", effective_on=date(2024, 1, 1)
    )
    entry = next(e for e in audit_entries(world.js_finance) if e.label == world.js_dept.name)
    assert entry.changes == []
    assert entry.note == "修改前的状态未记录（该记录由导入建立）"
    html = client_for(world.js_finance).get("/audit/").content.decode()
    assert "修改前的状态未记录（该记录由导入建立）" in html
