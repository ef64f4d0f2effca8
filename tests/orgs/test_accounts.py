from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tests.conftest import make_account
from zhunong.ledger.models import PurchaseLine
from zhunong.orgs import services
from zhunong.orgs.models import Account, AccountKind


def test_unit_has_at_most_one_management_account(world):
    with pytest.raises(ValidationError) as exc:
        services.account_open(
            actor=world.js_admin,
            unit=world.js_school,
            kind=AccountKind.MANAGEMENT,
            login="second-gl",
        )
    assert "kind" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        make_account(world.js_school, "second-gl-db", AccountKind.MANAGEMENT)


def test_unit_admin_opens_trading_accounts_with_dates(world):
    account = services.account_open(
        actor=world.js_admin,
        unit=world.js_school,
        kind=AccountKind.TRADING,
        login="j-sch1-jy02",
        holder="李四",
        mobile="13912345678",
        opened_on=date(2024, 3, 1),
    )
    assert account.opened_on == date(2024, 3, 1) and account.activated_on is None


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"login": "x"}, "login"),
        ({"login": "j-sch1-jy01"}, "login"),
        ({"login": "ok-login", "mobile": "12345"}, "mobile"),
        ({"login": "ok-login", "opened_on": date(2999, 1, 1)}, "opened_on"),
    ],
)
def test_bad_account_is_refused_naming_the_field(world, fields, error_field):
    before = Account.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.account_open(actor=world.js_admin, unit=world.js_school, kind="trading", **fields)
    assert error_field in exc.value.message_dict
    assert Account.objects.count() == before


def test_unit_admin_of_another_unit_cannot_open_accounts(world):
    with pytest.raises(PermissionDenied):
        services.account_open(
            actor=world.eq_admin, unit=world.js_school, kind="trading", login="abc"
        )
    with pytest.raises(PermissionDenied):
        services.account_open(
            actor=world.js_buyer, unit=world.js_school, kind="trading", login="abc"
        )


def test_activation_is_dated_and_cannot_precede_opening(world):
    account = world.js_school_trade
    with pytest.raises(ValidationError) as exc:
        services.account_activate(
            actor=world.js_finance, account=account, activated_on=date(2020, 1, 1)
        )
    assert "activated_on" in exc.value.message_dict
    services.account_activate(
        actor=world.js_finance, account=account, activated_on=date(2024, 5, 6)
    )
    account.refresh_from_db()
    assert account.activated_on == date(2024, 5, 6)
    with pytest.raises(ValidationError):
        services.account_activate(actor=world.js_finance, account=account)


def test_trading_account_is_deactivated_and_activated_again(world):
    account = world.js_school_trade
    services.account_activate(actor=world.js_admin, account=account, activated_on=date(2022, 1, 1))
    services.account_deactivate(
        actor=world.js_admin, account=account, deactivated_on=date(2023, 1, 1)
    )
    account.refresh_from_db()
    assert not account.is_activated and account.deactivated_on == date(2023, 1, 1)
    services.account_activate(actor=world.js_admin, account=account, activated_on=date(2023, 6, 1))
    account.refresh_from_db()
    assert account.is_activated and account.deactivated_on is None


def test_activated_management_account_is_retired_only_by_merge_or_dissolution(world):
    mgmt = world.js_school_mgmt
    with pytest.raises(ValidationError) as exc:
        services.account_deactivate(actor=world.js_finance, account=mgmt)
    assert "合并或撤销" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.account_delete(actor=world.js_finance, account=mgmt)
    services.unit_dissolve(
        actor=world.js_finance, unit=world.js_school, effective_on=date(2024, 2, 1)
    )
    mgmt.refresh_from_db()
    assert mgmt.deactivated_on == date(2024, 2, 1)


def test_trading_account_with_purchases_cannot_be_deleted(world):
    account = world.js_school_trade
    PurchaseLine.objects.create(
        unit=world.js_school,
        account=account,
        channel="canteen",
        amount=Decimal("120.50"),
        completed_on=date(2024, 3, 1),
        year=2024,
        order_no="order-1",
        ordered_on=date(2024, 2, 28),
    )
    with pytest.raises(ValidationError) as exc:
        services.account_delete(actor=world.js_admin, account=account)
    assert "采购记录" in exc.value.messages[0]
    assert Account.objects.filter(pk=account.pk).exists()


def test_trading_account_without_purchases_can_be_deleted(world):
    services.account_delete(actor=world.js_admin, account=world.js_school_trade)
    assert not Account.objects.filter(pk=world.js_school_trade.pk).exists()


def test_accounts_of_a_dissolved_unit_cannot_be_opened(world):
    services.unit_dissolve(
        actor=world.js_finance, unit=world.js_school, effective_on=date(2024, 2, 1)
    )
    with pytest.raises(ValidationError) as exc:
        services.account_open(
            actor=world.js_finance, unit=world.js_school, kind="trading", login="late"
        )
    assert "unit" in exc.value.message_dict


def test_unit_admin_adds_a_new_person_who_gets_a_one_time_password(world, client):
    user, password = services.person_add(
        actor=world.js_admin,
        unit=world.js_school,
        role="buyer",
        username="new-buyer",
        display_name="赵六",
        mobile="13711112222",
    )
    assert password and user.check_password(password)
    assert user.username == "J-SCH1.new-buyer"  # the unit's code keeps names apart
    response = client.post("/login/", {"username": "13711112222", "password": password})
    assert response.status_code == 302
    assert user.memberships.get().unit == world.js_school


def test_a_stranger_s_account_is_never_attached_and_its_existence_not_told(world, client_for):
    """eq_admin exists (another district's unit admin, mobile 13900000099): a 金水 school's admin
    typing that name creates a new person of the school, exactly as for a name nobody has."""
    world.eq_admin.mobile = "13900000099"
    world.eq_admin.save()
    stranger, _password = services.person_add(
        actor=world.js_admin, unit=world.js_school, role="buyer", username="eq_admin"
    )
    nobody, _password = services.person_add(
        actor=world.js_admin, unit=world.js_school, role="buyer", username="no_such_name"
    )
    assert (stranger.username, nobody.username) == ("J-SCH1.eq_admin", "J-SCH1.no_such_name")
    assert stranger != world.eq_admin
    assert list(world.eq_admin.memberships.values_list("role", "unit")) == [
        ("unit_admin", world.eq_school.pk)
    ]
    page = client_for(world.js_admin).get(f"/units/{world.js_school.pk}/").content.decode()
    assert "13900000099" not in page


def test_the_page_answers_the_same_for_a_taken_and_a_free_name(world, client_for):
    client = client_for(world.js_admin)
    url = f"/units/{world.js_school.pk}/people/add/"
    taken = client.post(url, {"username": "eq_finance", "role": "buyer"}, follow=True)
    free = client.post(url, {"username": "free_name", "role": "buyer"}, follow=True)
    for response, name in ((taken, "eq_finance"), (free, "free_name")):
        assert response.status_code == 200
        assert f"已创建用户 J-SCH1.{name}" in response.content.decode()


def test_a_mobile_number_in_use_is_refused_without_naming_its_owner(world):
    world.eq_admin.mobile = "13900000099"
    world.eq_admin.save()
    with pytest.raises(ValidationError) as exc:
        services.person_add(
            actor=world.js_admin,
            unit=world.js_school,
            role="buyer",
            username="new-one",
            mobile="13900000099",
        )
    message = exc.value.message_dict["mobile"][0]
    assert "eq_admin" not in message and "二七" not in message


def test_an_existing_user_gains_the_role_without_a_new_password(world):
    user, password = services.person_add(
        actor=world.js_admin, unit=world.js_school, role="unit_admin", username="js_buyer"
    )
    assert password is None and user == world.js_buyer
    assert set(user.memberships.values_list("role", flat=True)) == {"buyer", "unit_admin"}


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"username": "x", "role": "buyer"}, "username"),
        ({"username": "ok-user", "role": "finance"}, "role"),
        ({"username": "ok-user", "role": "buyer", "mobile": "139"}, "mobile"),
        ({"username": "js_buyer", "role": "buyer"}, "username"),
    ],
)
def test_bad_person_is_refused_naming_the_field(world, fields, error_field):
    from zhunong.orgs.models import Membership

    before = Membership.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.person_add(actor=world.js_admin, unit=world.js_school, **fields)
    assert error_field in exc.value.message_dict
    assert Membership.objects.count() == before


def test_buyers_cannot_add_people_and_admins_cannot_remove_themselves(world):
    with pytest.raises(PermissionDenied):
        services.person_add(
            actor=world.js_buyer, unit=world.js_school, role="buyer", username="zz1"
        )
    own = world.js_admin.memberships.get()
    with pytest.raises(ValidationError):
        services.membership_revoke(actor=world.js_admin, membership=own)
    services.membership_revoke(actor=world.js_admin, membership=world.js_buyer.memberships.get())
    assert not world.js_buyer.memberships.exists()
