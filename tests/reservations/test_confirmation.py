"""The confirmation chain: filed → supervisor → finance → locked, returns with a reason, amendments
of a locked filing, and the filing as it stood on any date."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from zhunong.orgs.models import Canteen
from zhunong.reservations.models import Action, Amendment, Reservation, Status
from zhunong.reservations.queries import filing_as_of
from zhunong.reservations.services import (
    amendment_decide,
    amendment_request,
    reservation_confirm,
    reservation_file,
    reservation_return,
    reservations_confirm_many,
)


def filed(w, unit=None, admin=None, **figures):
    return reservation_file(
        actor=admin or w.js_admin,
        unit=unit or w.js_school,
        year=2025,
        canteen=Canteen.OWN,
        **(figures or {"canteen_total": "100000", "ratio": "15"}),
    )


def test_the_three_steps_in_order_keep_who_when_and_why(filing_world):
    w = filing_world
    r = filed(w)
    with pytest.raises(PermissionDenied):  # finance waits for the supervising unit
        reservation_confirm(actor=w.js_finance, reservation=r)
    r = reservation_confirm(actor=w.js_supervisor, reservation=r)
    assert r.status == Status.SUPERVISOR_CONFIRMED
    r = reservation_confirm(actor=w.js_finance, reservation=r)
    assert r.status == Status.FINANCE_CONFIRMED
    r = reservation_confirm(actor=w.city_finance, reservation=r)
    assert r.status == Status.LOCKED
    steps = list(r.steps.values_list("action", "status", "actor__username"))
    assert steps == [
        ("filed", "filed", "js_admin"),
        ("supervisor_confirmed", "supervisor_confirmed", "js_supervisor"),
        ("finance_confirmed", "finance_confirmed", "js_finance"),
        ("locked", "locked", "city_finance"),
    ]
    with pytest.raises(ValidationError):
        reservation_confirm(actor=w.js_finance, reservation=r)


def test_a_unit_without_a_supervising_unit_goes_straight_to_finance(filing_world):
    w = filing_world
    from zhunong.orgs.models import Membership, Role

    Membership.objects.create(user=w.js_admin, role=Role.UNIT_ADMIN, unit=w.js_dept)
    r = filed(w, unit=w.js_dept)
    with pytest.raises(PermissionDenied):
        reservation_confirm(actor=w.js_supervisor, reservation=r)
    assert reservation_confirm(actor=w.js_finance, reservation=r).status == Status.FINANCE_CONFIRMED


def test_a_return_needs_a_reason_and_the_corrected_filing_goes_round_again(filing_world):
    w = filing_world
    r = reservation_confirm(actor=w.js_supervisor, reservation=filed(w))
    with pytest.raises(ValidationError) as err:
        reservation_return(actor=w.js_finance, reservation=r, reason="  ")
    assert "reason" in err.value.message_dict
    r = reservation_return(actor=w.js_finance, reservation=r, reason="总额与上年相差过大，请核实")
    assert r.status == Status.RETURNED
    assert r.steps.last().reason == "总额与上年相差过大，请核实"
    r = filed(w, canteen_total="120000", ratio="15")
    assert (r.status, r.reserved_amount) == (Status.FILED, Decimal("18000.00"))
    assert r.steps.last().action == Action.CORRECTED
    with pytest.raises(PermissionDenied):  # back to the supervising unit first
        reservation_confirm(actor=w.js_finance, reservation=r)
    reservation_confirm(actor=w.js_supervisor, reservation=r)


def test_a_confirmed_filing_cannot_be_changed_by_the_unit(filing_world):
    w = filing_world
    reservation_confirm(actor=w.js_supervisor, reservation=filed(w))
    with pytest.raises(ValidationError):
        filed(w, canteen_total="1", ratio="15")


def test_a_supervisor_returns_only_what_waits_for_it(filing_world):
    w = filing_world
    r = reservation_confirm(actor=w.js_supervisor, reservation=filed(w))
    with pytest.raises(PermissionDenied):
        reservation_return(actor=w.js_supervisor, reservation=r, reason="再看看")
    assert r.status == Status.SUPERVISOR_CONFIRMED


def test_a_foreign_bureau_finds_nothing(filing_world):
    w = filing_world
    r = filed(w)
    for foreign in (w.eq_finance, w.eq_admin, w.nobody):
        with pytest.raises(Http404):
            reservation_confirm(actor=foreign, reservation=r)
        with pytest.raises(Http404):
            reservation_return(actor=foreign, reservation=r, reason="x")


def test_an_action_on_a_version_already_acted_on_is_refused(filing_world):
    w = filing_world
    r = filed(w)
    seen = r.version
    reservation_confirm(actor=w.js_supervisor, reservation=r, version=seen)
    with pytest.raises(ValidationError) as err:
        reservation_return(actor=w.js_finance, reservation=r, reason="x", version=seen)
    assert "他人" in err.value.message_dict["version"][0]


def test_bulk_confirm_is_all_or_nothing(filing_world):
    w = filing_world
    from zhunong.orgs.models import Membership, Role

    Membership.objects.create(user=w.js_admin, role=Role.UNIT_ADMIN, unit=w.js_dept)
    school, dept = filed(w), filed(w, unit=w.js_dept)
    with pytest.raises(ValidationError) as err:  # the school waits for its supervising unit
        reservations_confirm_many(
            actor=w.js_finance, versions={school.pk: school.version, dept.pk: dept.version}
        )
    assert "金水区第一小学" in err.value.message_dict["ids"][0]
    dept.refresh_from_db()
    assert dept.status == Status.FILED
    assert reservations_confirm_many(actor=w.js_finance, versions={dept.pk: dept.version}) == [
        w.js_dept.name
    ]


def test_bulk_names_every_filing_it_cannot_act_on_and_every_one_it_did(filing_world):
    """Two schools wait for their supervising unit: both are named, not only the first, and
    nothing changes; once their supervisor has confirmed, the bureau's bulk confirm names both."""
    from tests.conftest import make_unit
    from zhunong.orgs.models import Membership, Role

    w = filing_world
    second = make_unit("J-SCH9", "金水区第九小学", w.jinshui, parent=w.js_dept)
    Membership.objects.create(user=w.js_admin, role=Role.UNIT_ADMIN, unit=second)
    one, two = filed(w), filed(w, unit=second)
    versions = {one.pk: one.version, two.pk: two.version}
    with pytest.raises(ValidationError) as err:
        reservations_confirm_many(actor=w.js_finance, versions=versions)
    refused = err.value.message_dict["ids"]
    assert len(refused) == 2
    assert any("金水区第一小学" in m for m in refused) and any(
        "金水区第九小学" in m for m in refused
    )
    assert {r.status for r in Reservation.objects.filter(pk__in=versions)} == {Status.FILED}
    done = reservations_confirm_many(actor=w.js_supervisor, versions=versions)
    assert sorted(done) == ["金水区第一小学", "金水区第九小学"]


def test_a_locked_filing_changes_only_through_an_approved_amendment(filing_world, monkeypatch):
    w = filing_world
    r = filed(w)
    for actor in (w.js_supervisor, w.js_finance, w.js_finance):
        r = reservation_confirm(actor=actor, reservation=r)
    with pytest.raises(ValidationError):
        filed(w, canteen_total="200000", ratio="15")
    a = amendment_request(
        actor=w.js_admin, reservation=r, reason="新增分校食堂", canteen_total="200000", ratio="15"
    )
    r.refresh_from_db()
    assert r.reserved_amount == Decimal("15000.00")  # nothing changes before approval
    with pytest.raises(PermissionDenied):
        amendment_decide(actor=w.js_supervisor, amendment=a, approve=True)
    amendment_decide(actor=w.js_finance, amendment=a, approve=True, on=date(2025, 3, 1))
    r.refresh_from_db()
    assert (r.status, r.reserved_amount, r.figures_on) == (
        Status.LOCKED,
        Decimal("30000.00"),
        date(2025, 3, 1),
    )
    assert a.__class__.objects.get().decision == Amendment.Decision.APPROVED
    # the old figures stay: as of the end of February the filing was the first one
    before = filing_as_of(r, date(2025, 2, 28))
    assert (before.status, before.reserved_amount) == (Status.LOCKED, Decimal("15000.00"))
    assert filing_as_of(r, date(2025, 3, 1)).reserved_amount == Decimal("30000.00")


def test_the_filing_as_of_a_date_has_that_days_status_and_figures(filing_world, monkeypatch):
    w = filing_world
    r = filed(w)  # 10 January
    monkeypatch.setattr("zhunong.reservations.services.today", lambda: date(2025, 1, 20))
    reservation_return(actor=w.js_supervisor, reservation=r, reason="比例偏低")
    monkeypatch.setattr("zhunong.reservations.services.today", lambda: date(2025, 2, 1))
    filed(w, canteen_total="100000", ratio="20")
    assert filing_as_of(r, date(2025, 1, 9)) is None
    on_the_15th = filing_as_of(r, date(2025, 1, 15))
    assert (on_the_15th.status, on_the_15th.reserved_amount) == ("filed", Decimal("15000.00"))
    assert filing_as_of(r, date(2025, 1, 25)).status == "returned"
    now = filing_as_of(r, date(2025, 2, 1))
    assert (now.status, now.reserved_amount) == ("filed", Decimal("20000.00"))


def test_bulk_with_a_filing_out_of_reach_changes_nothing(filing_world):
    w = filing_world
    ours = filed(w)
    with pytest.raises(ValidationError) as err:
        reservations_confirm_many(actor=w.eq_finance, versions={ours.pk: ours.version})
    assert "无权查看" in err.value.message_dict["ids"][0]
    ours.refresh_from_db()
    assert ours.status == Status.FILED
