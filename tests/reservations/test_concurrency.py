"""Two people acting on one filing at the same moment: only one succeeds. Needs real row locks,
so it runs against PostgreSQL (CI runs the suite there too)."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from zhunong.reservations.models import Reservation, Status
from zhunong.reservations.services import reservation_confirm, reservation_return

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are proved on PostgreSQL"
)


def race(*actions):
    """Runs the actions in threads released together; returns what each raised (or None)."""
    start = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(i, action):
        try:
            start.wait()
            action()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("second", ["confirm", "return"])
def test_of_two_simultaneous_actions_on_one_version_only_one_succeeds(world, second):
    w = world
    r = Reservation.objects.create(
        unit=w.js_school,
        year=2025,
        canteen_total=100000,
        ratio=10,
        reserved_amount=10000,
        filed_on=date(2025, 1, 10),
        status=Status.SUPERVISOR_CONFIRMED,
    )
    seen = r.version
    for _attempt in range(5):  # each round starts from the same state
        Reservation.objects.filter(pk=r.pk).update(status=Status.SUPERVISOR_CONFIRMED, version=seen)
        other = (
            (lambda: reservation_confirm(actor=w.city_finance, reservation=r, version=seen))
            if second == "confirm"
            else (
                lambda: reservation_return(
                    actor=w.city_finance, reservation=r, reason="重复", version=seen
                )
            )
        )
        results = race(
            lambda: reservation_confirm(actor=w.js_finance, reservation=r, version=seen), other
        )
        failures = [x for x in results if x is not None]
        assert len(failures) == 1, results
        assert isinstance(failures[0], ValidationError)
        r.refresh_from_db()
        assert r.version == seen + 1
        assert r.steps.count() == _attempt + 1
