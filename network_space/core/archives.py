"""Decompression-bomb check for zip archives (office files). Standard library only: the text
extraction child process loads this file by path, without importing the application."""
from __future__ import annotations

import zipfile

MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 5000


def archive_problem(path) -> str | None:
    """None if the archive may be opened; otherwise "unreadable", "entries" or "bomb".

    Sizes are read from the central directory: nothing is decompressed. A lying directory is
    caught by the readers' own limits (the child process is memory- and time-bounded).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return "unreadable"
    if len(infos) > MAX_ENTRIES:
        return "entries"
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNCOMPRESSED or total / compressed > MAX_RATIO:
        return "bomb"
    return None
