"""The bank holidays of England and Wales, from the ``holidays`` package's United Kingdom
class alone.

``holidays.countries`` imports every one of its 250 countries when it loads (about a second
of start-up, and memory the app never uses). Only ``united_kingdom`` is needed, so it is
imported by itself: its package is registered bare, with its folder to import from, unless
the full package is already loaded, in which case that is used as it is.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import types
from datetime import date
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()


def _united_kingdom() -> Any:
    with _LOCK:
        if "holidays.countries" not in sys.modules:
            import holidays  # noqa: F401  (light: its countries are loaded lazily)

            spec = importlib.util.find_spec("holidays.countries")
            if spec is None or not spec.submodule_search_locations:
                raise ImportError("holidays.countries is missing")
            bare = types.ModuleType("holidays.countries")
            bare.__path__ = list(spec.submodule_search_locations)
            bare.__spec__ = spec
            sys.modules["holidays.countries"] = bare
        from holidays.countries.united_kingdom import UnitedKingdom

    return UnitedKingdom


@lru_cache(maxsize=64)
def england_bank_holidays(year: int) -> frozenset[date]:
    """Every bank holiday of England and Wales in ``year``."""
    return frozenset(_united_kingdom()(subdiv="ENG", years=[year]).keys())
