"""Which table a reader gets: the API, downloads and command read the ledger's rollup for a whole
region; a bureau's tables count a unit that stood in its region on the date and moved away since."""

from datetime import date
from decimal import Decimal

from tests.supervision.conftest import AS_OF
from zhunong.ledger.models import Rollup
from zhunong.orgs import services

PARAMS = {"region": "410100", "year": 2024, "as_of": AS_OF.isoformat()}


def test_the_api_and_downloads_read_the_rollup(city_world, client_for):
    client = client_for(city_world.city_finance)
    # the rollup is the database's to keep; altering it by hand shows which figures read it
    Rollup.objects.filter(region_code="410105", day=date(2024, 5, 1)).update(amount=Decimal("1.00"))
    rows = client.get("/api/v1/supervision/progress", PARAMS).json()["rows"]
    js = next(r for r in rows if r["name"] == "金水区")
    assert js["exact"]["completed_yuan"] == "-499.00"  # 1.00 and the −500.00 refund
    csv = client.get("/supervision/progress/", {**PARAMS, "format": "csv"}).content.decode()
    assert ",-0.05," in csv  # −499.00 yuan in 万元


def test_a_bureau_counts_a_unit_that_moved_away_after_the_date(city_world, client_for):
    w = city_world
    services.unit_move(
        actor=w.city_finance, unit=w.js_school, region=w.erqi, effective_on=date(2024, 9, 1)
    )
    client = client_for(w.js_finance)  # 金水区's bureau no longer sees the school
    own = {"region": "410105", "year": 2024, "as_of": AS_OF.isoformat()}
    table = client.get("/api/v1/supervision/progress", own).json()
    assert table["rows"][0]["exact"]["units"] == 2  # both schools, as they stood on 31 July
    behind = client.get("/api/v1/supervision/time-progress", own).json()["units"]
    assert "金水区第一小学" in {u["name"] for u in behind}  # drawn from the same table
    later = {**own, "as_of": "2024-09-30"}
    assert (
        client.get("/api/v1/supervision/progress", later).json()["rows"][0]["exact"]["units"] == 1
    )
