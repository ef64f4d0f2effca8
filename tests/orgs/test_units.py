from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.conftest import make_account, make_unit
from zhunong.orgs import queries, services
from zhunong.orgs.models import AccountKind, Canteen, EventKind, Unit, UnitStatus


def test_finance_bureau_registers_a_unit_in_its_district(world):
    unit = services.unit_register(
        actor=world.js_finance,
        code="J-NEW",
        name="金水区新单位",
        region=world.jinshui,
        parent=world.js_dept,
        registered_on=date(2024, 1, 2),
    )
    assert unit.tree_path == "J-EDU/J-NEW/"
    assert unit.events.get().kind == EventKind.REGISTERED


def test_registering_in_a_foreign_district_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.unit_register(
            actor=world.js_finance, code="X1", name="外区单位", region=world.erqi
        )
    assert not Unit.objects.filter(code="X1").exists()


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"code": "", "name": "某单位"}, "code"),
        ({"code": "含 空格", "name": "某单位"}, "code"),
        ({"code": "J-SCH1", "name": "重复编码"}, "code"),
        ({"code": "J-OK", "name": "  "}, "name"),
        ({"code": "J-OK", "name": "某企业", "kind": "soe"}, "owner"),
        ({"code": "J-OK", "name": "某单位", "registered_on": date(2999, 1, 1)}, "registered_on"),
    ],
)
def test_bad_unit_registration_names_the_field_and_changes_nothing(world, fields, error_field):
    before = Unit.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.unit_register(actor=world.js_finance, region=world.jinshui, **fields)
    assert error_field in exc.value.message_dict
    assert Unit.objects.count() == before


def test_supervising_unit_cycle_is_refused_with_a_message(world):
    with pytest.raises(ValidationError) as exc:
        services.unit_set_parent(
            actor=world.js_finance,
            unit=world.js_dept,
            parent=world.js_school,
            effective_on=date(2024, 1, 1),
        )
    assert "不能作为其主管单位" in exc.value.message_dict["parent"][0]
    world.js_dept.refresh_from_db()
    assert world.js_dept.parent is None
    with pytest.raises(ValidationError):
        services.unit_set_parent(
            actor=world.js_finance,
            unit=world.js_dept,
            parent=world.js_dept,
            effective_on=date(2024, 1, 1),
        )


def test_moving_a_supervising_unit_moves_its_whole_subtree(world):
    grandchild = make_unit("J-SUB", "金水区第一小学分校", world.jinshui, parent=world.js_school)
    new_top = make_unit("J-TOP", "金水区委", world.jinshui)
    services.unit_set_parent(
        actor=world.js_finance, unit=world.js_dept, parent=new_top, effective_on=date(2024, 3, 1)
    )
    grandchild.refresh_from_db()
    assert grandchild.tree_path == "J-TOP/J-EDU/J-SCH1/J-SUB/"
    assert set(queries.subordinate_units(new_top)) == {
        world.js_dept,
        world.js_school,
        world.js_school2,
        grandchild,
    }


def test_rename_is_dated_and_the_old_name_answers_for_earlier_dates(world):
    services.unit_rename(
        actor=world.js_finance,
        unit=world.js_school,
        name="金水区实验小学",
        effective_on=date(2024, 9, 1),
        document_no="金教〔2024〕3号",
    )
    assert queries.unit_as_of(world.js_school, date(2024, 8, 31)).name == "金水区第一小学"
    assert queries.unit_as_of(world.js_school, date(2024, 9, 1)).name == "金水区实验小学"
    assert Unit.objects.get(pk=world.js_school.pk).name == "金水区实验小学"
    assert queries.unit_as_of(world.js_school, date(2019, 12, 31)) is None  # not yet registered


def test_changes_must_be_recorded_in_date_order(world):
    services.unit_rename(
        actor=world.js_finance, unit=world.js_school, name="新名", effective_on=date(2024, 9, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.unit_rename(
            actor=world.js_finance,
            unit=world.js_school,
            name="更早的名",
            effective_on=date(2024, 1, 1),
        )
    assert "effective_on" in exc.value.message_dict
    assert Unit.objects.get(pk=world.js_school.pk).name == "新名"


def test_future_dated_change_is_refused(world):
    with pytest.raises(ValidationError):
        services.unit_rename(
            actor=world.js_finance, unit=world.js_school, name="新名", effective_on=date(2999, 1, 1)
        )


def test_merge_retires_accounts_and_answers_status_on_both_sides_of_the_date(world):
    services.unit_merge(
        actor=world.js_finance,
        unit=world.js_school,
        into=world.js_school2,
        effective_on=date(2024, 7, 1),
        document_no="金政〔2024〕1号",
    )
    unit = Unit.objects.get(pk=world.js_school.pk)
    assert unit.status == UnitStatus.MERGED and unit.merged_into == world.js_school2
    assert queries.unit_as_of(unit, date(2024, 6, 30)).status == UnitStatus.ACTIVE
    after = queries.unit_as_of(unit, date(2024, 7, 1))
    assert after.status == UnitStatus.MERGED and after.merged_into_code == "J-SCH2"
    assert set(unit.accounts.values_list("deactivated_on", flat=True)) == {date(2024, 7, 1)}


def test_merge_into_itself_or_a_foreign_unit_is_refused(world):
    with pytest.raises(ValidationError):
        services.unit_merge(
            actor=world.js_finance,
            unit=world.js_school,
            into=world.js_school,
            effective_on=date(2024, 1, 1),
        )
    with pytest.raises(ValidationError):
        services.unit_merge(
            actor=world.js_finance,
            unit=world.js_school,
            into=world.eq_school,
            effective_on=date(2024, 1, 1),
        )
    assert Unit.objects.get(pk=world.js_school.pk).status == UnitStatus.ACTIVE


def test_a_unit_with_active_subordinates_cannot_be_dissolved(world):
    with pytest.raises(ValidationError):
        services.unit_dissolve(
            actor=world.js_finance, unit=world.js_dept, effective_on=date(2024, 1, 1)
        )


def test_dissolve_is_recorded_by_the_finance_bureau_only(world):
    with pytest.raises(PermissionDenied):
        services.unit_dissolve(
            actor=world.js_admin, unit=world.js_school, effective_on=date(2024, 1, 1)
        )
    unit = services.unit_dissolve(
        actor=world.js_finance, unit=world.js_school, effective_on=date(2024, 5, 1)
    )
    assert queries.unit_as_of(unit, date(2024, 5, 1)).status == UnitStatus.DISSOLVED
    assert queries.unit_as_of(unit, date(2024, 4, 30)).status == UnitStatus.ACTIVE


def test_shared_canteen_names_a_host_that_has_a_canteen(world):
    services.unit_set_canteen(
        actor=world.js_admin,
        unit=world.js_school,
        canteen=Canteen.SHARED,
        host=world.js_dept,
        effective_on=date(2024, 1, 1),
    )
    assert list(world.js_dept.canteen_guests.all()) == [world.js_school]
    with pytest.raises(ValidationError) as exc:
        services.unit_set_canteen(
            actor=world.js_finance,
            unit=world.js_school2,
            canteen=Canteen.SHARED,
            host=world.js_school,
            effective_on=date(2024, 1, 1),
        )
    assert "host" in exc.value.message_dict


def test_outsourced_canteen_needs_its_contractor_and_the_contractor_gets_a_trading_account(world):
    with pytest.raises(ValidationError) as exc:
        services.unit_set_canteen(
            actor=world.js_admin,
            unit=world.js_school,
            canteen=Canteen.OUTSOURCED,
            effective_on=date(2024, 1, 1),
        )
    assert "contractor" in exc.value.message_dict
    services.unit_set_canteen(
        actor=world.js_admin,
        unit=world.js_school,
        canteen=Canteen.OUTSOURCED,
        contractor="郑州惠民餐饮有限公司",
        effective_on=date(2024, 1, 1),
    )
    account = services.account_open(
        actor=world.js_admin,
        unit=world.js_school,
        kind=AccountKind.TRADING,
        login="contractor-1",
        holder="郑州惠民餐饮有限公司",
        is_contractor=True,
    )
    assert account.is_contractor
    assert queries.unit_as_of(world.js_school, date(2023, 12, 31)).canteen == ""


def test_contractor_account_without_outsourced_canteen_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        services.account_open(
            actor=world.js_admin,
            unit=world.js_school,
            kind=AccountKind.TRADING,
            login="c-2",
            is_contractor=True,
        )
    assert "is_contractor" in exc.value.message_dict


def test_region_overview_counts_own_units_and_children(world):
    make_account(world.js_school2, "j2-gl", AccountKind.MANAGEMENT, activated=date(2022, 1, 1))
    overview = queries.region_overview(world.city_finance, world.city)
    rows = {child.code: counts for child, counts in overview["children"]}
    assert overview["own"]["units"] == 2
    assert rows["410105"]["units"] == 3
    assert rows["410105"]["management_activated"] == 2
    assert rows["410103"]["units"] == 2 and rows["410103"]["management_activated"] == 0
    assert overview["total"]["units"] == 7
    # the same page for the district bureau only counts what it can see
    mine = queries.region_overview(world.js_finance, world.city)
    assert mine["total"]["units"] == 3
