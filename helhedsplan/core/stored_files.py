"""Frozen files read back: every byte checked against the SHA-256 stored beside the file before any is sent.

A submitted report's files and a document's versions are kept with their SHA-256. The storage that holds them
(a folder on one server, or an S3-compatible store that several servers share) is not the database: a file
changed or swapped there must not reach a reviewer as the thing that was submitted. The file is read from
storage in chunks into a spooled temporary file (in memory up to ``SPOOL_BYTES``, on disk beyond) while it is
hashed; only a file whose hash matches is handed on, to be streamed from the start.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from typing import IO

from django.db.models.fields.files import FieldFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("helhedsplan.files")

SPOOL_BYTES = 1024 * 1024
CHUNK_BYTES = 64 * 1024


class StoredFileDamaged(Exception):
    """The stored file's bytes are not those its SHA-256 was taken of."""

    def __init__(self, name: str, expected: str, found: str) -> None:
        super().__init__(f"{name}: SHA-256 {found}, expected {expected}")
        self.name, self.expected, self.found = name, expected, found


def refuse_unless_matching(*, found: str, expected: str, name: str) -> None:
    """Raise ``StoredFileDamaged`` (logged as an error with the file's name and both hashes) unless the hash
    ``found`` is the one stored, ``expected``."""
    if found != expected:
        logger.error(
            "A stored file does not match its SHA-256 and was not sent: %s (stored %s, expected %s)",
            name,
            found,
            expected,
        )
        raise StoredFileDamaged(name, expected, found)


def open_checked(stored: FieldFile, sha256: str) -> IO[bytes]:
    """``stored`` read whole and checked against ``sha256``: an open file at its start, or ``StoredFileDamaged``
    (logged as an error with the file's name and both hashes). A missing file raises ``FileNotFoundError``, as
    ``stored.open`` does."""
    digest = hashlib.sha256()
    # Handed to the response, which closes it when sent (or closed here on any failure).
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115
    try:
        with stored.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                digest.update(chunk)
                copy.write(chunk)
        refuse_unless_matching(found=digest.hexdigest(), expected=sha256, name=str(stored.name))
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return copy


def damaged_file_response(request: HttpRequest, *, back_url: str) -> HttpResponse:
    """The page that says a frozen file was not sent because it no longer matches its SHA-256. A 500: the
    fault is the server's copy, not the request (and it is logged, by ``open_checked``)."""
    response = render(request, "core/file_damaged.html", {"back_url": back_url}, status=500)
    response["Cache-Control"] = "private, no-store"
    return response
