"""What an uploaded file is, judged by its content (its first bytes and, for Office files, the zip's inside),
never by its name; and the limits every upload keeps: its size, the size a zip unpacks to, a plain name.

Pure functions over a file object: the models' validators and the services call them.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from helhedsplan.core.validators import has_control_characters

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"

#: The file-name ending each kind is downloaded with (the stored name is random).
EXTENSIONS = {PDF: "pdf", XLSX: "xlsx", DOCX: "docx", PNG: "png", JPEG: "jpg"}

#: The first bytes of each kind that is not a zip.
SIGNATURES = [(b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG)]
ZIP_SIGNATURE = b"PK\x03\x04"
#: The part an Office file of each kind must hold (besides ``[Content_Types].xml``).
OFFICE_PARTS = [("word/document.xml", DOCX), ("xl/workbook.xml", XLSX)]
#: More entries than any real document holds: a zip of many tiny files costs its reader too.
MAX_ZIP_ENTRIES = 5_000

ALLOWED_TYPES_TEXT = _("PDF, Word (docx), Excel (xlsx), PNG or JPEG")


@dataclass(frozen=True)
class Checked:
    """An accepted file: its kind (by content), size and SHA-256."""

    content_type: str
    size: int
    sha256: str


def validate_file_name(name: str) -> None:
    """A plain file name: no folder, no way up (``..``), no hidden file, nothing invisible."""
    if (
        not name
        or "/" in name
        or "\\" in name
        or name.startswith(".")
        or ".." in name
        or has_control_characters(name)
        or len(name) > 200
    ):
        raise ValidationError(
            _("The file name must be a plain name, without folders or '..' (e.g. kommissorium.pdf)."),
            code="path_name",
        )


def _refuse_type() -> ValidationError:
    return ValidationError(
        _("The file is not one of the allowed kinds (%(types)s), whatever its name says."),
        code="not_allowed_type",
        params={"types": ALLOWED_TYPES_TEXT},
    )


def _office_type(handle: IO[bytes]) -> str:
    """The Office kind of a zip, after checking what it unpacks to: refused when it would unpack to more than
    ``DOCUMENT_MAX_UNPACKED_BYTES`` (a zip bomb), is not a whole zip, or is no Word or Excel file."""
    limit = settings.DOCUMENT_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(entry.file_size for entry in entries) > limit:
                raise ValidationError(
                    _("The file unpacks to more than %(limit)s. It is refused."),
                    code="zip_bomb",
                    params={"limit": filesizeformat(limit)},
                )
            names = {entry.filename for entry in entries}
            kind = next((kind for part, kind in OFFICE_PARTS if part in names), None)
            if kind is None or "[Content_Types].xml" not in names:
                raise _refuse_type()
            # Unpack every part, never beyond the sizes it declares (zipfile stops there and checks the CRC):
            # a part whose header lies about its size is refused as a broken file.
            unpacked = 0
            for entry in entries:
                with archive.open(entry) as part:
                    while chunk := part.read(1 << 16):
                        unpacked += len(chunk)
                        if unpacked > limit:
                            raise ValidationError(
                                _("The file unpacks to more than %(limit)s. It is refused."),
                                code="zip_bomb",
                                params={"limit": filesizeformat(limit)},
                            )
            return kind
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        OSError,
        ValueError,
    ) as error:
        raise _refuse_type() from error


def content_type_of(handle: IO[bytes]) -> str:
    """The kind of the file (one of ``EXTENSIONS``) by its content, or a ValidationError."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    try:
        for signature, kind in SIGNATURES:
            if head.startswith(signature):
                return kind
        if head.startswith(ZIP_SIGNATURE):
            return _office_type(handle)
        raise _refuse_type()
    finally:
        handle.seek(0)


def check_upload(handle: IO[bytes], *, size: int, name: str) -> Checked:
    """Every rule of an uploaded document: a plain name, not empty, within ``DOCUMENT_MAX_UPLOAD_BYTES``, an
    allowed kind by content. Returns what is stored about it."""
    validate_file_name(name)
    limit = settings.DOCUMENT_MAX_UPLOAD_BYTES
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). A document may be at most %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    kind = content_type_of(handle)
    return Checked(content_type=kind, size=size, sha256=sha256_of(handle))


def sha256_of(handle: IO[bytes]) -> str:
    handle.seek(0)
    digest = hashlib.sha256()
    while chunk := handle.read(1 << 16):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def validate_pdf(handle: IO[bytes], *, size: int, name: str) -> None:
    """A PDF by content (meeting minutes), within the document limits."""
    if check_upload(handle, size=size, name=name).content_type != PDF:
        raise ValidationError(
            _("The file is not a PDF, whatever its name says. Upload the minutes as a PDF."),
            code="not_pdf_content",
        )
