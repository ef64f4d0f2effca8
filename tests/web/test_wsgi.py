"""The WSGI entry point production runs (gunicorn zhunong.wsgi)."""

import gc
import importlib
import sys


def test_the_web_worker_loads_the_urls_and_freezes_what_it_loaded_for_the_collector():
    gc.unfreeze()
    sys.modules.pop("zhunong.wsgi", None)
    try:
        wsgi = importlib.import_module("zhunong.wsgi")
        # the app's objects are out of the collector's way: a full collection walks only what
        # requests made since
        assert gc.get_freeze_count() > 10_000
        assert callable(wsgi.application)
        assert "zhunong.urls" in sys.modules
    finally:
        gc.unfreeze()
