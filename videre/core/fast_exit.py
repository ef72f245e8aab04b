"""Ending a process without the interpreter's teardown, once what it wrote is out.

A process that has closed what it opened can end at once: freeing everything it loaded
(SQLAlchemy, Scrapy, NumPy, OpenCV) takes 0.1-0.2 s a user or a parent process waits for, and a
crawl process's teardown would close its lock while it still lives (bench/README.md, crawl;
videre/store/oplock.py). Used by the `videre` console script, the crawl process and its photo
workers.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn


def exit_now(status: int) -> NoReturn:
    """Flush the logs (if logging was ever loaded), stdout and stderr, then `os._exit(status)`."""
    logging = sys.modules.get("logging")
    flushes = [logging.shutdown] if logging is not None else []
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            flushes.append(stream.flush)
    for flush in flushes:
        try:
            flush()
        except (OSError, ValueError):  # a closed pipe (a parent that died): what could go has gone
            pass
    os._exit(status)
