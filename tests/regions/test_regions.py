import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhunong.regions import queries, services
from zhunong.regions.models import Level, Region


@pytest.mark.django_db
def test_migrate_alone_loads_every_division_and_marks_the_832():
    assert Region.objects.count() == 3214
    assert Region.objects.filter(level=Level.PROVINCE).count() == 34
    assert Region.objects.filter(level=Level.CITY).count() == 333
    # 832 rows, 831 distinct codes: 冷湖 and 茫崖 were merged into 茫崖市 (632803).
    assert Region.objects.filter(is_certified_county=True).count() == 831
    assert Region.objects.get(code="410225").is_certified_county  # 兰考县
    assert not Region.objects.get(code="410105").is_certified_county  # 金水区
    assert Region.objects.get(code="632857").name == "大柴旦行政委员会"


@pytest.mark.django_db
def test_paths_follow_the_parents_including_province_run_counties():
    assert Region.objects.get(code="410105").path == "410000/410100/410105/"
    assert Region.objects.get(code="419001").path == "410000/419001/"  # 济源市, run by the province
    assert Region.objects.get(code="110105").path == "110000/110105/"  # 朝阳区 of 北京


@pytest.mark.django_db
def test_lookup_by_code_name_or_short_name():
    assert queries.region_lookup("410105").name == "金水区"
    assert queries.region_lookup("金水区").code == "410105"
    Region.objects.filter(code="410105").update(short_name="金水")
    assert queries.region_lookup("金水").code == "410105"
    assert queries.region_lookup("没有这个区") is None
    # 朝阳区 exists in 北京 and in 长春: ambiguous names give no answer rather than a wrong one
    assert queries.region_lookup("朝阳区") is None


@pytest.mark.django_db
def test_children_are_listed_in_code_order():
    codes = [r.code for r in queries.children_of(Region.objects.get(code="410100"))]
    assert codes == sorted(codes)
    assert codes[:3] == ["410102", "410103", "410104"]
    assert "410185" in codes


@pytest.mark.django_db
def test_short_name_is_used_as_display_name():
    assert not Region.objects.filter(code="410173").exists()  # zones are not built in
    jinshui = Region.objects.get(code="410105")
    assert jinshui.display_name == "金水区"
    jinshui.short_name = "金水"
    assert jinshui.display_name == "金水"


def test_city_finance_bureau_adds_a_functional_zone(world):
    zone = services.zone_create(
        actor=world.city_finance,
        parent=world.city,
        code="410173",
        name="郑州航空港经济综合实验区",
        short_name="港区",
    )
    assert zone.level == Level.ZONE
    assert zone.path == "410000/410100/410173/"
    assert zone.display_name == "港区"
    assert [c.code for c in queries.children_of(world.city)][-1] == "410185"
    assert zone in queries.children_of(world.city)


def test_district_bureau_cannot_add_a_zone_to_its_city(world):
    with pytest.raises(PermissionDenied):
        services.zone_create(actor=world.js_finance, parent=world.city, code="410173", name="港区")
    assert not Region.objects.filter(code="410173").exists()


@pytest.mark.parametrize(
    ("code", "name", "field"),
    [
        ("41A", "某区", "code"),
        ("410105", "重复代码", "code"),
        ("410199", "", "name"),
        ("410199", "金水区", "name"),
    ],
)
def test_bad_zone_is_refused_naming_the_field(world, code, name, field):
    before = Region.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.zone_create(actor=world.city_finance, parent=world.city, code=code, name=name)
    assert field in exc.value.message_dict
    assert Region.objects.count() == before


def test_zones_cannot_hang_under_a_county(world):
    with pytest.raises(ValidationError) as exc:
        services.zone_create(
            actor=world.js_finance, parent=world.jinshui, code="41010501", name="园区"
        )
    assert "parent" in exc.value.message_dict
