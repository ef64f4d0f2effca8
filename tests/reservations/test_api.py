"""The filing API: file, confirm, return, the review list and a filing as of a date."""

from datetime import date
from decimal import Decimal

from zhunong.reservations.models import Reservation


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_file_confirm_return_and_read_back_over_the_api(filing_world, client_for, monkeypatch):
    w = filing_world
    admin = client_for(w.js_admin)
    bad = post(
        admin,
        f"/api/v1/units/{w.js_school.pk}/reservations/2025",
        {"canteen": "own", "canteen_total": "100000", "ratio": "9"},
    )
    assert bad.status_code == 400 and "ratio" in bad.json()["errors"]
    made = post(
        admin,
        f"/api/v1/units/{w.js_school.pk}/reservations/2025",
        {"canteen": "own", "canteen_total": "100000", "ratio": "12.5"},
    )
    assert made.status_code == 200, made.content
    body = made.json()
    assert Decimal(body["reserved_amount"]) == Decimal("12500.00") and body["status"] == "filed"
    rid, version = body["id"], body["version"]

    finance = client_for(w.js_finance)
    early = post(finance, f"/api/v1/reservations/{rid}/confirm", {"version": version})
    assert early.status_code == 403
    supervisor = client_for(w.js_supervisor)
    confirmed = post(supervisor, f"/api/v1/reservations/{rid}/confirm", {"version": version})
    assert confirmed.json()["status"] == "supervisor_confirmed"
    again = post(supervisor, f"/api/v1/reservations/{rid}/confirm", {"version": version})
    assert again.status_code == 400 and "version" in again.json()["errors"]

    finance = client_for(w.js_finance)
    version = confirmed.json()["version"]
    no_version = post(finance, f"/api/v1/reservations/{rid}/return", {"reason": "请核实总额"})
    assert no_version.status_code == 422 and "version" in no_version.json()["errors"]
    no_reason = post(finance, f"/api/v1/reservations/{rid}/return", {"version": version})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    monkeypatch.setattr("zhunong.reservations.services.today", lambda: date(2025, 1, 20))
    returned = post(
        finance, f"/api/v1/reservations/{rid}/return", {"reason": "请核实总额", "version": version}
    )
    assert returned.json()["status"] == "returned"

    detail = finance.get(f"/api/v1/reservations/{rid}", {"as_of": "2025-01-15"}).json()
    assert [s["action"] for s in detail["steps"]] == ["filed", "supervisor_confirmed", "returned"]
    assert detail["steps"][-1]["reason"] == "请核实总额"
    assert detail["as_of"]["status"] == "supervisor_confirmed"

    listed = finance.get("/api/v1/reservations", {"year": 2025, "region": "410105"}).json()
    assert listed["count"] == 1 and Decimal(listed["reserved_amount"]) == Decimal("12500.00")


def test_outsiders_neither_see_nor_act(filing_world, client_for):
    w = filing_world
    r = Reservation.objects.create(
        unit=w.js_school, year=2025, canteen_total=100000, ratio=10, reserved_amount=10000
    )
    foreign = client_for(w.eq_finance)
    assert foreign.get(f"/api/v1/reservations/{r.pk}").status_code == 404
    assert post(foreign, f"/api/v1/reservations/{r.pk}/confirm", {"version": 1}).status_code == 404
    assert foreign.get("/api/v1/reservations", {"year": 2025}).json()["count"] == 0
    assert (
        post(
            client_for(w.js_buyer),
            f"/api/v1/units/{w.js_school.pk}/reservations/2025",
            {"canteen": "own", "canteen_total": "1", "ratio": "50"},
        ).status_code
        == 403
    )
    r.refresh_from_db()
    assert r.status == "filed" and r.version == 1
