from datetime import date

import pytest

from zhunong.orgs.models import Canteen


@pytest.fixture
def filing_world(world, monkeypatch):
    """The world on 10 January 2025: 金水区第一小学 has its own canteen, a supervising unit
    (金水区教育局) and an admin; 金水区教育局 has no supervising unit."""
    monkeypatch.setattr("zhunong.reservations.services.today", lambda: date(2025, 1, 10))
    monkeypatch.setattr("zhunong.orgs.services.today", lambda: date(2025, 1, 10))
    world.js_school.canteen = Canteen.OWN
    world.js_school.save()
    return world
