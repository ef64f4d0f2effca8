"""Who reads a notice (ADR 0014): a draft is the finance bureau's working paper; an issued notice
is read by its addressees, the bureaus and units of its region."""

from datetime import date

import pytest

from tests.conftest import make_user
from zhunong.market.models import Supplier
from zhunong.orgs.models import Role
from zhunong.supervision import notices

FILES = ("", "notice.docx", "attachment.xlsx")


def urls(notice):
    return [f"/supervision/notices/{notice.pk}/{name}" for name in FILES]


def city_notice(world, issued=False):
    notice = notices.notice_draft(
        actor=world.city_finance, region=world.city, year=2024, as_of=date(2024, 7, 31)
    )
    if issued:
        notice = notices.notice_issue(
            actor=world.city_finance,
            notice=notice,
            document_no="郑财〔2024〕12号",
            issued_on=date(2024, 8, 5),
        )
    return notice


def statuses(client, notice) -> list[int]:
    return [client.get(url).status_code for url in urls(notice)]


def person(world, persona):
    """The world's people, and people of 郑州市第一中学, a unit of the city's own level (本级): the
    city's draft was once shown to them."""
    if persona == "city_buyer":
        return make_user("city_buyer", Role.BUYER, unit=world.city_school)
    if persona == "city_admin":
        return make_user("city_admin", Role.UNIT_ADMIN, unit=world.city_school)
    if persona == "city_supervisor":
        return make_user("city_supervisor", Role.SUPERVISOR, unit=world.city_dept)
    return getattr(world, persona)


@pytest.mark.parametrize(
    "persona",
    ["city_buyer", "city_admin", "city_supervisor", "js_buyer", "js_supervisor", "js_finance"],
)
def test_a_draft_is_not_shown_to_units_or_to_bureaus_below(world, client_for, persona):
    notice = city_notice(world)
    client = client_for(person(world, persona))
    assert statuses(client, notice) == [404, 404, 404]
    assert notice.title not in client.get("/supervision/notices/").content.decode()


def test_the_bureau_that_drafted_it_reads_the_draft_and_its_files(world, client_for):
    notice = city_notice(world)
    assert statuses(client_for(world.city_finance), notice) == [200, 200, 200]
    assert statuses(client_for(world.operator), notice) == [200, 200, 200]


@pytest.mark.parametrize("persona", ["city_buyer", "js_admin", "js_supervisor", "js_finance"])
def test_an_issued_notice_is_read_by_the_units_and_bureaus_of_its_region(
    world, client_for, persona
):
    notice = city_notice(world, issued=True)
    client = client_for(person(world, persona))
    assert statuses(client, notice) == [200, 200, 200]
    listing = client.get("/supervision/notices/").content.decode()
    assert notice.title in listing


def test_an_issued_district_notice_is_not_read_by_another_districts_units(world, client_for):
    notice = notices.notice_draft(
        actor=world.js_finance, region=world.jinshui, year=2024, as_of=date(2024, 7, 31)
    )
    notice = notices.notice_issue(
        actor=world.js_finance,
        notice=notice,
        document_no="金财〔2024〕3号",
        issued_on=date(2024, 8, 5),
    )
    assert statuses(client_for(world.eq_admin), notice) == [404, 404, 404]
    assert statuses(client_for(world.eq_finance), notice) == [404, 404, 404]
    assert statuses(client_for(world.js_buyer), notice) == [200, 200, 200]
    # the city above reads what its districts issued
    assert statuses(client_for(world.city_finance), notice) == [200, 200, 200]


def test_suppliers_and_rural_bureaus_are_not_addressed(world, client_for):
    notice = city_notice(world, issued=True)
    county = world.city.children.first()  # any county region will do for the bureau
    rural = make_user("rural", Role.RURAL_BUREAU, region=county)
    supplier = Supplier.objects.create(
        name="合作社", credit_code="91410000MA00000000", county=county
    )
    seller = make_user("seller", Role.SUPPLIER, supplier=supplier)
    assert statuses(client_for(rural), notice) == [404, 404, 404]
    assert statuses(client_for(seller), notice) == [404, 404, 404]


def test_an_addressee_sees_no_drafting_form_and_cannot_issue(world, client_for):
    draft = city_notice(world)
    client = client_for(world.js_admin)
    page = client.get("/supervision/notices/").content.decode()
    assert "生成通报" not in page
    response = client.post(
        f"/supervision/notices/{draft.pk}/", {"document_no": "x", "issued_on": "2024-08-05"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.state == "draft"
