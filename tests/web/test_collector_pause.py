"""The cyclic garbage collector is paused while a request runs (docs/decisions/0029)."""

import gc

import pytest
from django.conf import settings

from zhunong.web.middleware import PauseCollectorMiddleware


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_every_request_runs_with_the_collector_paused():
    assert settings.MIDDLEWARE[0] == "zhunong.web.middleware.PauseCollectorMiddleware"


def test_the_collector_is_paused_while_a_request_runs_and_resumes_after():
    seen = []
    middleware = PauseCollectorMiddleware(lambda request: seen.append(gc.isenabled()) or "page")
    assert middleware(object()) == "page"
    assert seen == [False]
    assert gc.isenabled()


def test_it_resumes_after_a_request_that_failed():
    def fails(request):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        PauseCollectorMiddleware(fails)(object())
    assert gc.isenabled()


def test_requests_side_by_side_share_the_pause_until_the_last_ends():
    seen = []
    inner = PauseCollectorMiddleware(lambda request: "inner")

    def outer_view(request):
        inner(request)  # a second request, served meanwhile, ends first
        seen.append(gc.isenabled())
        return "outer"

    assert PauseCollectorMiddleware(outer_view)(object()) == "outer"
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off():
    gc.disable()
    PauseCollectorMiddleware(lambda request: "page")(object())
    assert not gc.isenabled()
