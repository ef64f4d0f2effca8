"""A supplier's entry: the credit code checked as GB 32100-2015 says, registration all or nothing,
and every step of the table (申请 → 县级推荐 → 平台审核 → 已入驻; returns, corrections, suspension,
removal), legal and illegal, each a dated record with who and why."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.market.conftest import PASSWORD, application, licence_file, with_check_character
from zhunong.market import creditcode
from zhunong.market.models import Credential, Producer, Supplier, SupplierStep
from zhunong.market.onboarding import (
    COUNTY_CHECKS,
    MOVES,
    supplier_correct,
    supplier_move,
    supplier_register,
)
from zhunong.orgs.models import Membership
from zhunong.people.models import User

# Real codes of well-known companies, as published in the national enterprise credit system.
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91110000600037341L",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_credit_codes_pass_the_check(code):
    assert creditcode.problem(code) is None


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("914403001922038217", "校验位不正确"),  # last character changed
        ("914403001922083216", "校验位不正确"),  # two digits swapped
        ("91440300192203821", "应为18位"),
        ("91440300192203821I", "不含 I、O、Z、S、V"),
        ("9144030019220382!6", "不含 I、O、Z、S、V"),
    ],
)
def test_a_wrong_credit_code_is_named_as_wrong(code, says):
    assert says in creditcode.problem(code)


def test_a_code_typed_with_spaces_lower_case_or_full_width_is_read():
    assert creditcode.normalized(" 9144 0300 1922 0382 16 ") == "914403001922038216"
    assert creditcode.normalized("91330100716105852f") == "91330100716105852F"
    assert creditcode.normalized("９１４４０３００１９２２０３８２１６") == "914403001922038216"


def register(**changes):
    data, files = application(**changes)
    return supplier_register(data=data, files=files, password=PASSWORD, on=date(2026, 3, 2))


def test_registration_creates_the_login_the_supplier_and_its_licence(market):
    supplier, user = register()
    assert supplier.status == "applied" and supplier.applied_on == date(2026, 3, 2)
    assert user.username == supplier.credit_code and user.check_password(PASSWORD)
    assert user.mobile == "13700000001"
    assert Membership.objects.get(user=user).supplier == supplier
    licence = Credential.objects.get(supplier=supplier)
    assert (licence.kind, licence.issuer, licence.expires_on) == (
        "business_licence",
        "兰考县市场监督管理局",
        None,
    )
    with licence.file.open("rb") as stored:
        assert stored.read(8) == b"\x89PNG\r\n\x1a\n"
    (step,) = SupplierStep.objects.filter(supplier=supplier)
    assert (step.action, step.status, step.on, step.actor) == (
        "applied",
        "applied",
        date(2026, 3, 2),
        user,
    )


def snapshot():
    return (
        Supplier.objects.count(),
        User.objects.count(),
        Credential.objects.count(),
        Producer.objects.count(),
        SupplierStep.objects.count(),
    )


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"credit_code": "914403001922038217"}, "credit_code", "校验位不正确"),
        ({"county": "410105"}, "county", "不是832个脱贫县之一"),  # 金水区
        ({"county": "999999"}, "county", "没有找到"),
        ({"farmer_benefit": ""}, "farmer_benefit", "联农带农"),
        ({"kind": "agent"}, "producers", "代理商须列出"),
        ({"kind": "agent", "producers": "某合作社 410105"}, "producers", "第1行"),
        ({"households": "-3"}, "households", "大于0"),
        ({"business_issuer": ""}, "business_issuer", "发证机关"),
        ({"food_trading_number": "JY141"}, "food_trading_issuer", "发证机关"),
    ],
)
def test_a_bad_application_is_named_and_changes_nothing(market, changes, field, says):
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        register(**changes)
    assert says in "；".join(caught.value.message_dict[field])
    assert snapshot() == before


def test_a_licence_that_is_no_image_or_pdf_is_refused(market):
    data, files = application()
    files["business_file"] = licence_file("licence.png", b"MZ\x90\x00 not an image")
    with pytest.raises(ValidationError) as caught:
        supplier_register(data=data, files=files, password=PASSWORD)
    assert "只能上传 PDF" in caught.value.message_dict["business_file"][0]
    assert not Supplier.objects.exists()


def test_a_registered_code_cannot_register_again(market):
    register()
    with pytest.raises(ValidationError) as caught:
        register(contact_mobile="13700000002")
    assert "已注册" in caught.value.message_dict["credit_code"][0]


def test_an_agent_names_its_producers_and_their_counties(market):
    supplier, _user = register(
        kind="agent", producers="兰考县红庙镇蜜瓜合作社 410225\n行唐县大枣合作社，130125"
    )
    assert [(p.name, p.county_id) for p in supplier.producers.all()] == [
        ("兰考县红庙镇蜜瓜合作社", "410225"),
        ("行唐县大枣合作社", "130125"),
    ]


def move(actor, supplier, action, **kwargs):
    supplier.refresh_from_db()
    return supplier_move(
        actor=actor, supplier=supplier, action=action, on=date(2026, 3, 9), **kwargs
    )


ALL_CHECKS = tuple(COUNTY_CHECKS)


def test_the_whole_flow_with_a_return_and_a_correction(market):
    w = market
    supplier, user = register()
    move(w.lankao_rural, supplier, "recommended", checks=ALL_CHECKS)
    move(w.operator, supplier, "returned", reason="营业执照照片不清晰")
    supplier.refresh_from_db()
    assert supplier.status == "returned"
    data, files = application(contact_name="李四")
    files["business_file"] = licence_file("clear.png")
    supplier_correct(
        actor=user, supplier=supplier, data=data, files=files, version=supplier.version
    )
    supplier.refresh_from_db()
    assert supplier.status == "applied" and supplier.contact_name == "李四"
    assert Credential.objects.filter(supplier=supplier).count() == 1  # replaced, not added
    move(w.lankao_rural, supplier, "recommended", checks=ALL_CHECKS)
    done = move(w.operator, supplier, "approved")
    assert done.status == "approved" and done.approved_on == date(2026, 3, 9)
    assert [(s.action, s.status, s.actor.username, s.reason) for s in supplier.steps.all()] == [
        ("applied", "applied", supplier.credit_code, ""),
        (
            "recommended",
            "recommended",
            "lankao_rural",
            "已核实：生产能力、供货能力、质量安全、联农带农机制",
        ),
        ("returned", "returned", "operator", "营业执照照片不清晰"),
        ("resubmitted", "applied", supplier.credit_code, ""),
        (
            "recommended",
            "recommended",
            "lankao_rural",
            "已核实：生产能力、供货能力、质量安全、联农带农机制",
        ),
        ("approved", "approved", "operator", ""),
    ]


def test_the_county_must_confirm_every_check_to_recommend(market):
    supplier, _user = register()
    with pytest.raises(ValidationError) as caught:
        move(market.lankao_rural, supplier, "recommended", checks=("production", "supply"))
    assert "质量安全、联农带农机制" in caught.value.message_dict["checks"][0]
    supplier.refresh_from_db()
    assert supplier.status == "applied"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (status, action)
        for action, rule in MOVES.items()
        for status in ("applied", "recommended", "returned", "approved", "suspended", "removed")
        if status not in rule.starts
    ],
)
def test_every_illegal_step_is_refused_and_changes_nothing(market, status, action):
    supplier, _user = register()
    Supplier.objects.filter(pk=supplier.pk).update(status=status)
    supplier.refresh_from_db()
    steps = SupplierStep.objects.count()
    with pytest.raises(ValidationError) as caught:
        move(market.operator, supplier, action, reason="x", checks=ALL_CHECKS)
    assert "status" in caught.value.message_dict
    supplier.refresh_from_db()
    assert supplier.status == status and SupplierStep.objects.count() == steps


@pytest.mark.parametrize(
    ("status", "action", "who"),
    [
        ("applied", "recommended", "other_rural"),  # another county's bureau
        ("applied", "recommended", "js_finance"),
        ("recommended", "approved", "lankao_rural"),  # the county does not approve
        ("recommended", "returned", "lankao_rural"),  # past the county: the operator returns
        ("approved", "suspended", "lankao_rural"),
        ("approved", "removed", "js_finance"),
    ],
)
def test_the_wrong_person_is_refused(market, status, action, who):
    supplier, _user = register()
    Supplier.objects.filter(pk=supplier.pk).update(status=status)
    with pytest.raises((PermissionDenied, Http404)):
        move(getattr(market, who), supplier, action, reason="x", checks=ALL_CHECKS)
    supplier.refresh_from_db()
    assert supplier.status == status


def test_a_return_needs_a_reason_and_the_county_returns_before_recommending(market):
    supplier, _user = register()
    with pytest.raises(ValidationError) as caught:
        move(market.lankao_rural, supplier, "returned", reason="  ")
    assert "reason" in caught.value.message_dict
    returned = move(market.lankao_rural, supplier, "returned", reason="联农带农机制说明不具体")
    assert returned.status == "returned"


def test_suspension_with_an_end_date_is_lifted_by_the_operator_and_removal_is_final(market):
    w = market
    supplier, _user = register()
    Supplier.objects.filter(pk=supplier.pk).update(status="approved")
    with pytest.raises(ValidationError):
        move(w.operator, supplier, "suspended", reason="抽检不合格", until=date(2026, 3, 1))
    suspended = move(
        w.operator, supplier, "suspended", reason="抽检不合格", until=date(2026, 6, 30)
    )
    assert suspended.status == "suspended" and suspended.suspended_until == date(2026, 6, 30)
    lifted = move(w.operator, supplier, "lifted")
    assert lifted.status == "approved" and lifted.suspended_until is None
    removed = move(w.operator, supplier, "removed", reason="虚假宣传")
    assert removed.status == "removed"


def test_two_decisions_on_one_version_take_one_step(market):
    supplier, _user = register()
    seen = supplier.version
    supplier_move(
        actor=market.lankao_rural,
        supplier=supplier,
        action="recommended",
        version=seen,
        checks=ALL_CHECKS,
    )
    with pytest.raises(ValidationError) as caught:
        supplier_move(
            actor=market.lankao_rural,
            supplier=supplier,
            action="returned",
            version=seen,
            reason="x",
        )
    assert "version" in caught.value.message_dict
    supplier.refresh_from_db()
    assert supplier.status == "recommended"


def test_the_credit_code_of_the_fixture_is_valid():
    assert creditcode.problem(with_check_character("93410225MA0000001")) is None
