"""Who sees what: one place decides, every query goes through it."""

from tests.conftest import make_user
from zhunong import access
from zhunong.market.models import Supplier
from zhunong.orgs.models import Role


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_district_bureau_sees_its_district_and_everything_below(world):
    assert codes(access.visible_units(world.js_finance)) == {"J-EDU", "J-SCH1", "J-SCH2"}


def test_city_bureau_sees_its_city_with_its_districts(world):
    assert len(codes(access.visible_units(world.city_finance))) == 7


def test_unit_people_see_their_unit_only(world):
    assert codes(access.visible_units(world.js_admin)) == {"J-SCH1"}
    assert codes(access.visible_units(world.js_buyer)) == {"J-SCH1"}


def test_supervising_unit_sees_itself_and_its_subordinates(world):
    assert codes(access.visible_units(world.js_supervisor)) == {"J-EDU", "J-SCH1", "J-SCH2"}


def test_operator_sees_everything_and_a_user_without_role_nothing(world):
    assert len(codes(access.visible_units(world.operator))) == 7
    assert codes(access.visible_units(world.nobody)) == set()
    assert not access.visible_regions(world.nobody).exists()


def test_accounts_follow_the_units(world):
    logins = set(access.visible_accounts(world.eq_finance).values_list("login", flat=True))
    assert logins == {"e-sch1-gl", "e-sch1-jy01"}


def test_supplier_sees_itself_and_rural_bureau_its_county(world):
    lankao = Supplier.objects.create(name="兰考合作社", credit_code="X1", county_id="410225")
    Supplier.objects.create(name="别的县", credit_code="X2", county_id="410223")
    seller = make_user("seller", Role.SUPPLIER, supplier=lankao)
    bureau = make_user("lankao", Role.RURAL_BUREAU, region_id="410225")
    assert list(access.visible_suppliers(seller)) == [lankao]
    assert list(access.visible_suppliers(bureau)) == [lankao]
    assert not access.visible_units(seller).exists()


def test_permissions_on_objects_in_reach(world):
    assert access.can_manage_unit(world.js_finance, world.js_school)
    assert not access.can_manage_unit(world.js_admin, world.js_school)
    assert access.can_manage_accounts(world.js_admin, world.js_school)
    assert not access.can_manage_accounts(world.js_buyer, world.js_school)
    assert not access.can_manage_accounts(world.js_supervisor, world.js_school)
    assert not access.can_manage_accounts(world.eq_finance, world.js_school)
