"""The unit list sorts by its column heads and downloads every unit found as Excel — the units
in the person's reach only, in the chosen order; from 5,000 units the worker builds the file."""

import io
import re

from openpyxl import load_workbook

from zhunong.exports import services as exports
from zhunong.exports.models import Export


def codes_on(html: str) -> list[str]:
    return re.findall(r'<td class="small text-muted">([^<]+)</td>', html)


def test_units_sort_by_name_and_code_both_ways(world, client_for):
    client = client_for(world.city_finance)
    by_code = codes_on(client.get("/units/", {"sort": "code"}).content.decode())
    assert by_code == sorted(by_code) and len(by_code) > 3
    assert codes_on(client.get("/units/", {"sort": "-code"}).content.decode()) == by_code[::-1]
    page = client.get("/units/", {"sort": "-name"}).content.decode()
    names = re.findall(r'href="/units/\d+/">([^<]+)</a>', page)
    assert names == sorted(names, reverse=True)
    assert "单位名称 ↓" in page


def test_the_download_holds_every_unit_found_in_reach_in_the_chosen_order(world, client_for):
    response = client_for(world.js_finance).get("/units/", {"sort": "-code", "format": "xlsx"})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value.startswith("单位名单（")
    assert [c.value for c in ws[2]][:3] == ["单位名称", "编码", "区划"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    codes = [r[1] for r in rows]
    assert codes == sorted({"J-EDU", "J-SCH1", "J-SCH2"} | set(codes), reverse=True)
    assert not any(
        c.startswith(("E-", "C-")) for c in codes
    )  # 二七区's and the city's are not 金水区's
    school = next(r for r in rows if r[1] == "J-SCH1")
    assert school[0] == "金水区第一小学" and school[3] == "金水区教育局" and school[4] == "预算单位"


def test_a_large_unit_list_is_built_in_the_background(
    world, client_for, monkeypatch, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(exports, "BACKGROUND_FROM", 2)
    client = client_for(world.city_finance)
    response = client.get("/units/", {"format": "xlsx", "sort": "name"})
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{export.pk}/"
    export.refresh_from_db()
    assert export.state == "done" and export.rows == export.total > 2
    built = client.get(f"/exports/{export.pk}/download/")
    ws = load_workbook(io.BytesIO(b"".join(built.streaming_content))).active
    names = [r[0] for r in ws.iter_rows(min_row=3, values_only=True)]
    assert names == sorted(names) and len(names) == export.total
