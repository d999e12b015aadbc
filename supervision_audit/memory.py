"""Giving freed memory back to the system.

SQLite's pages and Python's objects are freed into the C library's heap, which keeps them
for later: glibc returns that memory to the system only when asked (``malloc_trim``).
After an organisation-wide read has given its pages back, the app asks, so that a window
open all day holds what it uses, not the most it ever used. Elsewhere (Windows, macOS,
other C libraries) there is nothing to ask, and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim  # type: ignore[no-any-return]


def give_back_freed_memory() -> bool:
    """Return the heap's free memory to the system; True where the C library can."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
