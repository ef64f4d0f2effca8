"""The assessment (绩效考核), worked out by hand for the city world as of 31 July 2024 with the
three counted units given an own canteen. Default weights 30 / 15 / 15 / 40; deadline 28 Feb."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from tests.supervision.conftest import table
from zhunong.orgs.models import Unit
from zhunong.supervision import services
from zhunong.supervision.assessment import assess


@pytest.fixture
def canteens(city_world):
    Unit.objects.filter(code__in=["J-SCH1", "J-SCH2", "E-SCH1"]).update(canteen="own")
    return city_world


def by_key(scores):
    return {s.key: s for s in scores}


def test_unit_scores_and_ranks(canteens):
    units = by_key(assess(table(canteens.city))["units"])
    # J-SCH1: 1 of 2 accounts activated (15) + on time (15) + 15% ≥ 10% (15) + 11500/15000 × 40
    assert units["J-SCH1"].shown == "75.67" and units["J-SCH1"].rank == 1
    # E-SCH1: nothing activated, on time (15), 1% is not compliant, 1/800 × 40 = 0.05
    assert units["E-SCH1"].shown == "15.05" and units["E-SCH1"].rank == 2
    # J-SCH2: its filing came after the cut-off, its account was activated after it
    assert units["J-SCH2"].shown == "0.00" and units["J-SCH2"].rank == 3
    assert units["J-SCH1"].parts["activation"] == Decimal("0.5")


def test_sub_regions_score_the_mean_of_their_units(canteens):
    regions = by_key(assess(table(canteens.city))["regions"])
    assert regions["410105"].shown == "37.83" and regions["410105"].rank == 1  # (75.67 + 0) ÷ 2
    assert regions["410103"].shown == "15.05" and regions["410103"].rank == 2


def test_a_unit_without_a_canteen_gets_the_filing_and_completion_parts(city_world):
    units = by_key(assess(table(city_world.city))["units"])
    assert units["J-SCH2"].parts["filing_on_time"] == 1 and units["J-SCH2"].parts["completion"] == 1


def test_the_bureau_sets_weights_that_sum_to_100(canteens):
    with pytest.raises(ValidationError):
        services.assessment_weights_set(
            actor=canteens.city_finance,
            region=canteens.city,
            year=2024,
            activation=50,
            filing_on_time=20,
            filing_compliant=20,
            completion=20,
        )
    with pytest.raises(PermissionDenied):
        services.assessment_weights_set(
            actor=canteens.js_finance,
            region=canteens.city,
            year=2024,
            activation=25,
            filing_on_time=25,
            filing_compliant=25,
            completion=25,
        )
    services.assessment_weights_set(
        actor=canteens.city_finance,
        region=canteens.city,
        year=2024,
        activation=25,
        filing_on_time=25,
        filing_compliant=25,
        completion=25,
    )
    # 0.5 × 25 + 25 + 25 + 0.76667 × 25
    assert by_key(assess(table(canteens.city))["units"])["J-SCH1"].shown == "81.67"
    assert by_key(assess(table(canteens.jinshui))["units"])["J-SCH1"].shown == "81.67"  # inherited


def test_the_page_and_its_download(canteens, client_for):
    client = client_for(canteens.city_finance)
    params = {"region": "410100", "year": 2024, "as_of": "2024-07-31"}
    html = client.get("/supervision/assessment/", params).content.decode()
    assert "75.67" in html and "37.83" in html
    wb = load_workbook(
        io.BytesIO(client.get("/supervision/assessment/", {**params, "format": "xlsx"}).content)
    )
    assert wb.sheetnames == ["县市区", "部门", "单位"]  # the rows named as in the table
    rows = list(wb["单位"].values)
    assert (
        rows[1][:4] == ("排名", "编码", "名称", "得分")
        and rows[2][:2] == (1, "J-SCH1")
        and rows[2][3] == 75.67
    )
    response = client.post(
        "/supervision/assessment/?region=410100&year=2024&as_of=2024-07-31",
        {"activation": 40, "filing_on_time": 10, "filing_compliant": 10, "completion": 30},
    )
    assert "四项权重之和须为100" in response.content.decode()
    assert (
        client_for(canteens.js_finance).get("/supervision/assessment/", params).status_code == 404
    )


def test_scores_printed_alike_share_a_rank():
    """79.364 and 79.356 are both printed 79.36: they share 5th place, and the next is 7th."""
    from decimal import Decimal

    from zhunong.supervision.assessment import Score, _rank

    scores = [
        Score(key=f"R{n}", name=f"R{n}", parts={}, score=Decimal(v))
        for n, v in enumerate(["90", "85", "82", "80", "79.356", "79.364", "70"])
    ]
    ranked = {s.key: (s.rank, s.shown) for s in _rank(scores)}
    assert ranked["R4"] == (5, "79.36") and ranked["R5"] == (5, "79.36")
    assert ranked["R6"] == (7, "70.00")
    assert [s.key for s in scores][4:6] == ["R4", "R5"]  # printed alike: listed by code
