"""Personas and a small world: 郑州市 with 金水区 and 二七区, units, accounts and people."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import translation

from zhunong.ingest.models import ImportBatch
from zhunong.ledger.models import PurchaseLine
from zhunong.orgs.models import Account, AccountKind, Membership, Role, Unit
from zhunong.people.models import User
from zhunong.regions.models import Region
from zhunong.supervision.models import Notice

PASSWORD = "correct-horse-battery-staple"


def make_unit(code, name, region, parent=None, **extra) -> Unit:
    return Unit.objects.create(
        code=code,
        name=name,
        region=region,
        parent=parent,
        tree_path=(parent.tree_path if parent else "") + code + "/",
        registered_on=extra.pop("registered_on", date(2020, 1, 1)),
        **extra,
    )


def make_account(unit, login, kind=AccountKind.TRADING, opened=date(2021, 1, 1), activated=None):
    return Account.objects.create(
        unit=unit, login=login, kind=kind, opened_on=opened, activated_on=activated
    )


def make_user(username, role=None, mobile=None, **target) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, mobile=mobile)
    if role:
        Membership.objects.create(user=user, role=role, **target)
    return user


class World:
    """The fixture world. 金水 (jinshui) is "ours"; 二七 (erqi) is the foreign district."""

    def __init__(self):
        self.city = Region.objects.get(code="410100")
        self.jinshui = Region.objects.get(code="410105")
        self.erqi = Region.objects.get(code="410103")
        self.city_dept = make_unit("C-EDU", "郑州市教育局", self.city, canteen="own")
        self.city_school = make_unit("C-SCH1", "郑州市第一中学", self.city, parent=self.city_dept)
        self.js_dept = make_unit("J-EDU", "金水区教育局", self.jinshui, canteen="own")
        self.js_school = make_unit("J-SCH1", "金水区第一小学", self.jinshui, parent=self.js_dept)
        self.js_school2 = make_unit("J-SCH2", "金水区第二小学", self.jinshui, parent=self.js_dept)
        self.eq_dept = make_unit("E-EDU", "二七区教育局", self.erqi)
        self.eq_school = make_unit("E-SCH1", "二七区蓝天小学", self.erqi, parent=self.eq_dept)
        self.js_school_mgmt = make_account(
            self.js_school, "j-sch1-gl", AccountKind.MANAGEMENT, activated=date(2021, 2, 1)
        )
        self.js_school_trade = make_account(self.js_school, "j-sch1-jy01")
        self.eq_school_mgmt = make_account(self.eq_school, "e-sch1-gl", AccountKind.MANAGEMENT)
        self.eq_school_trade = make_account(self.eq_school, "e-sch1-jy01")
        self.city_finance = make_user("city_finance", Role.FINANCE, region=self.city)
        self.js_finance = make_user("js_finance", Role.FINANCE, "13900000001", region=self.jinshui)
        self.eq_finance = make_user("eq_finance", Role.FINANCE, region=self.erqi)
        self.js_admin = make_user("js_admin", Role.UNIT_ADMIN, unit=self.js_school)
        self.js_buyer = make_user("js_buyer", Role.BUYER, unit=self.js_school)
        self.eq_admin = make_user("eq_admin", Role.UNIT_ADMIN, unit=self.eq_school)
        self.js_supervisor = make_user("js_supervisor", Role.SUPERVISOR, unit=self.js_dept)
        self.operator = make_user("operator", Role.OPERATOR)
        self.nobody = make_user("nobody")
        self.js_batch = ImportBatch.objects.create(
            file_name="J-SCH1-export.xlsx",
            checksum="0" * 64,
            size=1,
            region=self.jinshui,
            uploaded_by=self.js_finance,
            state="succeeded",
            report={
                "sheets": {},
                "errors": [],
                "error_count": 0,
                "warnings": [],
                "anomalies": [
                    {
                        "kind": "zero_reserve_buys",
                        "label": "预留金额为零但有交易",
                        "unit_code": "J-SCH1",
                        "unit_name": "金水区第一小学",
                        "region": "410105",
                        "year": 2024,
                        "detail": "",
                    }
                ],
                "anomaly_count": 1,
            },
        )
        self.js_notice = Notice.objects.create(
            region=self.jinshui,
            year=2024,
            as_of=date(2024, 6, 30),
            title="金水区第一小学 notice",
            issuing_body="金水区财政局",
            addressees="各单位",
            figures={"table": {"rows": []}, "statements": {}},
        )
        self.js_line = PurchaseLine.objects.create(
            order_no="J-ORDER-1",
            unit=self.js_school,
            amount=Decimal("99.50"),
            ordered_on=date(2024, 3, 1),
            completed_on=date(2024, 3, 2),
            year=2024,
            source_batch=self.js_batch,
        )


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher.
    tests/people/test_login.py checks the real setting."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _data_in_a_temporary_folder(settings, tmp_path):
    """Files the code keeps (uploads, notices) go to the test's own folder, not ./data."""
    settings.DATA_DIR = tmp_path / "data"
    settings.IMPORT_DIR = tmp_path / "data" / "imports"
    settings.MEDIA_ROOT = tmp_path / "data" / "media"


@pytest.fixture(autouse=True)
def _the_default_language_after_each_test():
    """A request in English leaves English active in the thread (the locale middleware activates
    a request's language and nothing resets it); the next test's services must speak Chinese."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client_for(client):
    """A test client logged in as the given user."""

    def login(user):
        client.force_login(user, backend="zhunong.people.backends.UsernameOrMobileBackend")
        return client

    return login
