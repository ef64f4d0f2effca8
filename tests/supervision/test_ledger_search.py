"""The ledger's search box (`q`): an order by its number, or the lines of the units whose name
holds the text or whose code it is — within the person's reach only, with the year's totals of
what was found (city world: 金水区's two schools, 二七区's school)."""

from datetime import date

from tests.supervision.conftest import line


def ledger(client, **params):
    return client.get("/ledger/", {"year": 2024, **params}).content.decode()


def test_an_order_is_found_by_its_number(city_world, client_for):
    line(city_world.js_school, "SEARCH-1", "321.00", date(2024, 6, 1))
    page = ledger(client_for(city_world.js_finance), q="SEARCH-1")
    assert 'order-no">SEARCH-1<' in page and 'order-no">A1<' not in page
    assert "共 1 条；已完成 321.00 元" in page
    assert 'name="q" type="search" value="SEARCH-1"' in page
    # typed in lower case, as numbers are when copied by hand
    assert 'order-no">SEARCH-1<' in ledger(client_for(city_world.js_finance), q="search-1")


def test_units_are_found_by_a_part_of_their_name_with_their_totals(city_world, client_for):
    school = city_world.js_school
    client = client_for(city_world.city_finance)
    everything = ledger(client)
    page = ledger(client, q=school.name[-4:])  # e.g. 第一小学
    assert school.name in page
    assert city_world.eq_school.name not in page
    # the totals are the unit's own, as on the page filtered by the unit
    by_unit = ledger(client, unit=school.pk)
    summary = by_unit.split('<p class="small mb-0">')[1].split("</p>")[0]
    assert summary in page and summary not in everything
    assert ledger(client, q=school.code).count("<tr") == page.count("<tr")


def test_a_search_finds_nothing_outside_the_persons_reach(city_world, client_for):
    """金水区's bureau searching for 二七区's school, or for an order of it, finds nothing."""
    line(city_world.eq_school, "ERQI-1", "50.00", date(2024, 6, 1))
    client = client_for(city_world.js_finance)
    for text in (city_world.eq_school.name, "ERQI-1"):
        page = ledger(client, q=text)
        assert "共 0 条" in page and 'order-no">ERQI-1<' not in page
        assert "相符的订单或单位的记录" in page
