"""Pause points: where the fault tests (``tests/faults/``) stop a real worker in the middle of its work, to kill
it or to cut Redis under it, at the same place every time.

Only the test settings can name a point (``APTIC_PAUSE_AT``, read by ``tests/settings.py``); anywhere else a
pause point is one attribute lookup and does nothing. It never changes the work around it: it only waits.
"""

import os
import time
from collections import Counter
from pathlib import Path

from django.conf import settings

PAUSE_LIMIT_SECONDS = 120
_passes: Counter[str] = Counter()


def pause_point(name: str) -> None:
    """With ``APTIC_PAUSE_AT = "name#n"``, the n-th time a process passes here, write its pid to
    ``APTIC_PAUSE_FILE`` and wait until ``<that file>.go`` exists (or two minutes, or a SIGKILL).

    The file is created once: the process that runs the work again after a kill goes through without waiting.
    """
    spec = getattr(settings, "APTIC_PAUSE_AT", "")
    if not spec:
        return
    point, _sep, nth = spec.partition("#")
    if point != name:
        return
    _passes[name] += 1
    if _passes[name] != int(nth or 1):
        return
    marker = Path(settings.APTIC_PAUSE_FILE)
    try:
        handle = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return
    os.write(handle, str(os.getpid()).encode())
    os.close(handle)
    release = marker.with_name(marker.name + ".go")
    deadline = time.monotonic() + PAUSE_LIMIT_SECONDS
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
