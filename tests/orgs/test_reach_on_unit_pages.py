"""A unit's page and its supervising-unit change respect the viewer's and the actor's reach: a unit
seen is not a window onto units out of reach."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tests.conftest import make_unit, make_user
from zhunong.orgs import services
from zhunong.orgs.models import Role, Unit


def test_a_unit_page_lists_only_the_subordinates_the_viewer_may_see(world, client_for):
    """郑州市教育局 supervises a school of the city and one in 金水区; the department's own admin
    sees the department, not its schools."""
    make_unit("C-SCH-JS", "金水区里的市属学校", world.jinshui, parent=world.city_dept)
    dept_admin = make_user("dept_admin", Role.UNIT_ADMIN, unit=world.city_dept)
    page = client_for(dept_admin).get(f"/units/{world.city_dept.pk}/").content.decode()
    assert "郑州市第一中学" not in page and "金水区里的市属学校" not in page
    bureau = client_for(world.city_finance).get(f"/units/{world.city_dept.pk}/").content.decode()
    assert "郑州市第一中学" in bureau and "金水区里的市属学校" in bureau


def test_a_unit_page_lists_only_the_canteen_guests_the_viewer_may_see(world, client_for):
    Unit.objects.filter(pk=world.js_school2.pk).update(
        canteen="shared", canteen_host=world.js_school
    )
    own = client_for(world.js_admin).get(f"/units/{world.js_school.pk}/").content.decode()
    assert "金水区第二小学" not in own
    bureau = client_for(world.js_finance).get(f"/units/{world.js_school.pk}/").content.decode()
    assert "金水区第二小学" in bureau


@pytest.fixture
def dept_across_districts(world):
    """金水区教育局 also supervises a school registered in 二七区."""
    return make_unit("E-SCH-JS", "二七区里的金水学校", world.erqi, parent=world.js_dept)


def test_a_district_cannot_move_a_tree_that_reaches_into_another_district(
    world, dept_across_districts
):
    district_government = make_unit("J-GOV", "金水区政府", world.jinshui)
    before = sorted(Unit.objects.values_list("pk", "tree_path"))
    with pytest.raises(ValidationError) as caught:
        services.unit_set_parent(
            actor=world.js_finance,
            unit=world.js_dept,
            parent=district_government,
            effective_on=date(2024, 3, 1),
        )
    assert "1 个下级单位不在您管理的区划内" in caught.value.message_dict["parent"][0]
    assert sorted(Unit.objects.values_list("pk", "tree_path")) == before


def test_the_common_bureau_above_moves_it_with_every_subordinate(world, dept_across_districts):
    services.unit_set_parent(
        actor=world.city_finance,
        unit=world.js_dept,
        parent=world.city_dept,
        effective_on=date(2024, 3, 1),
    )
    dept_across_districts.refresh_from_db()
    assert dept_across_districts.tree_path == "C-EDU/J-EDU/E-SCH-JS/"


def test_a_buyer_sees_its_supervising_unit_by_name_without_a_link_it_may_not_open(
    world, client_for
):
    """The school's buyer reaches its school, not the education bureau above it: the page names
    the bureau but does not link to a page that would answer 404."""
    client = client_for(world.js_buyer)
    html = client.get(f"/units/{world.js_school.pk}/").content.decode()
    assert world.js_dept.name in html
    assert f'href="/units/{world.js_dept.pk}/"' not in html
    assert client.get(f"/units/{world.js_dept.pk}/").status_code == 404
    finance = client_for(world.js_finance).get(f"/units/{world.js_school.pk}/").content.decode()
    assert f'href="/units/{world.js_dept.pk}/"' in finance
