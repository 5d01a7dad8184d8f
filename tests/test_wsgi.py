"""The WSGI entry point gunicorn loads (``config.wsgi``)."""

import gc
import importlib
import sys


def test_a_worker_freezes_what_it_loaded_once_and_keeps():
    """Loading the application moves what it loaded (and the URL configuration with its views) out of the garbage
    collector's generations, so a request's collections walk only what requests made (README, "Production")."""
    sys.modules.pop("config.wsgi", None)
    gc.unfreeze()
    try:
        wsgi = importlib.import_module("config.wsgi")
        assert callable(wsgi.application)
        assert gc.get_freeze_count() > 0
        # The URL configuration's views are among what it loaded, before any request.
        assert "helhedsplan.portfolio.views" in sys.modules
    finally:
        gc.unfreeze()
