"""Checks on a file a user uploads, before it is stored privately.

A file is accepted only when its name is a plain file name, its extension
belongs to one of the allowed types, its content really is that type (judged
from magic bytes and structure, since a name costs nothing to change), it is
not empty and it fits under a size cap. Office documents with macros and text
files carrying web page or program code are refused, so nothing stored can run
in a browser or an office suite of the staff who open it.
"""

import codecs
import hashlib
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from defusedxml import DTDForbidden, EntitiesForbidden
from defusedxml import ElementTree as DefusedET
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

__all__ = [
    "DEFAULT_TYPES",
    "FILE_TYPES",
    "Checked",
    "FileType",
    "ZipLimits",
    "check_upload",
    "check_zip",
    "type_choices",
]


@dataclass(frozen=True)
class FileType:
    """A kind of file users may upload: its extensions and the content type to serve it with."""

    key: str
    label: str | Promise
    extensions: tuple[str, ...]
    content_type: str


FILE_TYPES: dict[str, FileType] = {
    file_type.key: file_type
    for file_type in (
        FileType("pdf", _("PDF document"), (".pdf",), "application/pdf"),
        FileType(
            "docx",
            _("Word document"),
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileType(
            "xlsx",
            _("Excel workbook"),
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileType(
            "pptx",
            _("PowerPoint presentation"),
            (".pptx",),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        FileType(
            "odt",
            _("OpenDocument text document"),
            (".odt",),
            "application/vnd.oasis.opendocument.text",
        ),
        FileType(
            "ods",
            _("OpenDocument spreadsheet"),
            (".ods",),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        FileType(
            "odp",
            _("OpenDocument presentation"),
            (".odp",),
            "application/vnd.oasis.opendocument.presentation",
        ),
        FileType("txt", _("Plain text"), (".txt",), "text/plain"),
        FileType("csv", _("CSV table"), (".csv",), "text/csv"),
        FileType("png", _("PNG image"), (".png",), "image/png"),
        FileType("jpg", _("JPEG image"), (".jpg", ".jpeg"), "image/jpeg"),
    )
}

DEFAULT_TYPES = ("pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp")

MAX_NAME_LENGTH = 200

# How much of the start of a file is kept for the content checks.
HEAD_BYTES = 64 * 1024
# Browsers decide whether a file is a web page from its first bytes only.
MARKUP_START_BYTES = 4 * 1024
# PDF readers accept the %PDF- header anywhere in the first kilobyte.
PDF_HEADER_WITHIN = 1024

EXECUTABLE_STARTS = (b"MZ", b"\x7fELF", b"#!")
MARKUP_TAGS = (
    b"<html",
    b"<svg",
    b"<script",
    b"<!doctype",
    b"<?xml",
    b"<body",
    b"<head",
    b"<iframe",
    b"<object",
    b"<embed",
)
BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
ZIP_START = b"PK\x03\x04"
# Reading a broken or hostile archive can fail in any of these ways.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)
TEXT_TYPES = frozenset({"txt", "csv"})

# An archive is opened only within these bounds, judged from its directory before
# anything is decompressed: a few kilobytes must not become gigabytes (a "zip bomb").
# Python's zipfile never returns more than a member's declared size, so the declared
# sizes bound what reading can produce.
MAX_ZIP_ENTRIES = 10_000
MAX_ZIP_TOTAL = 1024**3
# Office XML compresses some 5 to 30 times; a member over a megabyte that compresses
# more than this is made to inflate, not to be read.
MAX_ZIP_RATIO = 200
RATIO_FROM_BYTES = 1024**2

CP1252 = codecs.getdecoder("cp1252")

OFFICE_OPEN_XML_PARTS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
OPEN_DOCUMENT_MIMETYPES = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}


def type_choices() -> list[tuple[str, str | Promise]]:
    """Choices for a field that picks the allowed types, labelled with their extensions."""
    return [
        (file_type.key, format_lazy("{} ({})", file_type.label, ", ".join(file_type.extensions)))
        for file_type in FILE_TYPES.values()
    ]


@dataclass(frozen=True)
class Checked:
    """An accepted upload: a name to show, its type, and the size and digest of what was read."""

    name: str
    file_type: FileType
    size: int
    sha256: str


def check_upload(upload: Any, *, allowed: Iterable[str], max_bytes: int) -> Checked:
    """Check an uploaded file against the allowed type keys and a size cap.

    Raises ValidationError with one of the codes ``bad_name``, ``type_not_allowed``,
    ``empty``, ``too_large``, ``content_mismatch`` or ``active_content``. The file
    is read in chunks and left at its start, ready to be stored.
    """
    allowed_types = _allowed_types(allowed)
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive.")
    name = _clean_name(getattr(upload, "name", None))
    extension = "." + name.rpartition(".")[2].lower()
    file_type = next((t for t in allowed_types if extension in t.extensions), None)
    if file_type is None:
        raise ValidationError(
            _("Files ending in %(extension)s are not accepted here. Allowed: %(types)s."),
            code="type_not_allowed",
            params={
                "extension": extension,
                "types": ", ".join(e for t in allowed_types for e in t.extensions),
            },
        )
    claimed_size = getattr(upload, "size", None)
    if claimed_size == 0:
        raise _empty()
    if claimed_size is not None and claimed_size > max_bytes:
        size, limit = sizes_apart(claimed_size, max_bytes)
        raise ValidationError(
            _("The file is too large: %(size)s. The limit is %(limit)s."),
            code="too_large",
            params={"size": size, "limit": limit},
        )
    try:
        scan = _scan(upload, max_bytes, text=file_type.key in TEXT_TYPES)
        if scan.size == 0:
            raise _empty()
        CONTENT_CHECKS[file_type.key](upload, file_type, extension, scan)
    finally:
        upload.seek(0)
    return Checked(name=name, file_type=file_type, size=scan.size, sha256=scan.sha256)


UNITS = (
    (1024**3, gettext_noop("%s GB")),
    (1024**2, gettext_noop("%s MB")),
    (1024, gettext_noop("%s KB")),
)


def sizes_apart(size: int, limit: int) -> tuple[str, str]:
    """Two sizes as people read them, precise enough to tell apart: 20.0 MB against a limit
    of 20.0 MB says nothing, 20.02 MB against 20.00 MB does."""
    if filesizeformat(size) != filesizeformat(limit):
        return filesizeformat(size), filesizeformat(limit)
    unit, text = next(((unit, text) for unit, text in UNITS if limit >= unit), (1, ""))
    for places in (2, 3):
        if text and (shown := _in_unit(size, unit, text, places)) != (
            cap := _in_unit(limit, unit, text, places)
        ):
            return shown, cap
    return _bytes(size), _bytes(limit)


def _in_unit(size: int, unit: int, text: str, places: int) -> str:
    return gettext(text) % number_format(size / unit, places)


def _bytes(size: int) -> str:
    return ngettext("%(count)s byte", "%(count)s bytes", size) % {
        "count": number_format(size, 0, force_grouping=True)
    }


def _allowed_types(allowed: Iterable[str]) -> list[FileType]:
    """The allowed types in the order of FILE_TYPES; unknown keys, or none, are a bug."""
    keys = set(allowed)
    if unknown := keys - FILE_TYPES.keys():
        raise ValueError(f"Unknown file types: {', '.join(sorted(unknown))}.")
    if not keys:
        raise ValueError("At least one file type must be allowed.")
    return [file_type for key, file_type in FILE_TYPES.items() if key in keys]


def _clean_name(raw: str | None) -> str:
    """The name in NFC without surrounding white space, refused unless it is a plain file name."""
    name = unicodedata.normalize("NFC", raw or "").strip()
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("The file name is too long: use at most %(limit)d characters."),
            code="bad_name",
            params={"limit": MAX_NAME_LENGTH},
        )
    if (
        not name
        or name.startswith(".")
        or "/" in name
        or "\\" in name
        or any(_is_invisible(character) for character in name)
    ):
        raise ValidationError(
            _(
                "The file name is not allowed: it may not start with a dot or contain "
                "slashes, backslashes or invisible characters. Rename the file and upload "
                "it again."
            ),
            code="bad_name",
        )
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or not extension:
        raise ValidationError(
            _("The file name must end in an extension, such as .pdf, that tells its type."),
            code="bad_name",
        )
    return name


def _is_invisible(character: str) -> bool:
    """Control, format (such as right-to-left override), surrogate and line separator characters."""
    return unicodedata.category(character) in {"Cc", "Cf", "Cs", "Zl", "Zp"}


@dataclass(frozen=True)
class _Scan:
    """What one pass over the content found."""

    size: int
    sha256: str
    head: bytes
    has_nul: bool
    decodes: bool


def _scan(upload: Any, max_bytes: int, *, text: bool) -> _Scan:
    """Hash and count the content chunk by chunk, stopping as soon as it exceeds the cap.

    For text, also note NUL bytes and whether the content decodes as UTF-8 or cp1252.
    """
    digest = hashlib.sha256()
    head = bytearray()
    size = 0
    has_nul = False
    utf8 = codecs.getincrementaldecoder("utf-8-sig")()
    utf8_ok = cp1252_ok = text
    for chunk in upload.chunks():
        size += len(chunk)
        if size > max_bytes:
            raise ValidationError(
                _("The file is too large. The limit is %(limit)s."),
                code="too_large",
                params={"limit": filesizeformat(max_bytes)},
            )
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        if text and not has_nul:
            has_nul = b"\x00" in chunk
            utf8_ok = utf8_ok and _decodes(utf8.decode, chunk)
            cp1252_ok = cp1252_ok and _decodes(CP1252, chunk)
    utf8_ok = utf8_ok and _decodes(partial(utf8.decode, final=True), b"")
    return _Scan(
        size=size,
        sha256=digest.hexdigest(),
        head=bytes(head),
        has_nul=has_nul,
        decodes=utf8_ok or cp1252_ok,
    )


def _decodes(decode: Callable[[bytes], object], data: bytes) -> bool:
    try:
        decode(data)
    except UnicodeDecodeError:
        return False
    return True


def _empty() -> ValidationError:
    return ValidationError(_("The file is empty."), code="empty")


def _mismatch(file_type: FileType, extension: str) -> ValidationError:
    return ValidationError(
        _("The file name ends in %(extension)s, but its content is not in that format (%(type)s)."),
        code="content_mismatch",
        params={"extension": extension, "type": file_type.label},
    )


def _looks_like_markup(head: bytes) -> bool:
    """Whether the file starts like a web page or an SVG image, which a browser could run."""
    start = head[:MARKUP_START_BYTES]
    for bom in BOMS:
        if start.startswith(bom):
            start = start[len(bom) :]
            break
    start = start.replace(b"\x00", b"").lstrip().lower()
    return start.startswith(b"<") and any(tag in start for tag in MARKUP_TAGS)


def _check_binary_start(file_type: FileType, extension: str, head: bytes) -> None:
    """Refuse a program or a web page whatever binary type the name claims."""
    if head.startswith(EXECUTABLE_STARTS) or _looks_like_markup(head):
        raise _mismatch(file_type, extension)


# Web page markup inside a PDF's first part makes a file that is a PDF to a PDF reader
# and a web page to a browser that sniffs it (a polyglot). A PDF has no use for these.
PDF_MARKUP = (b"<html", b"<script", b"<body", b"<iframe", b"<!doctype html", b"<svg")


def _check_pdf(upload: Any, file_type: FileType, extension: str, scan: _Scan) -> None:
    _check_binary_start(file_type, extension, scan.head)
    if not 0 <= scan.head.find(b"%PDF-") < PDF_HEADER_WITHIN:
        raise _mismatch(file_type, extension)
    head = scan.head.lower()
    if any(tag in head for tag in PDF_MARKUP):
        raise ValidationError(
            _("The PDF file also contains web page code, which is not accepted."),
            code="active_content",
        )


def _check_magic(magic: bytes) -> Callable[[Any, FileType, str, _Scan], None]:
    """A check for an image format, which starts with fixed bytes."""

    def check(upload: Any, file_type: FileType, extension: str, scan: _Scan) -> None:
        _check_binary_start(file_type, extension, scan.head)
        if not scan.head.startswith(magic):
            raise _mismatch(file_type, extension)

    return check


@dataclass(frozen=True)
class ZipLimits:
    entries: int = MAX_ZIP_ENTRIES
    total: int = MAX_ZIP_TOTAL
    ratio: int = MAX_ZIP_RATIO
    # Members with a tighter cap of their own, by name (e.g. a workbook's shared strings).
    parts: tuple[tuple[str, int], ...] = ()


def check_zip(archive: zipfile.ZipFile, limits: ZipLimits = ZipLimits()) -> None:
    """Refuse an archive whose directory promises more than ``limits`` allow.

    Raises ValidationError with the code ``archive_too_large``.
    """
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    capped = dict(limits.parts)
    compressed = sum(member.compress_size for member in members)
    inflates = any(
        member.file_size >= RATIO_FROM_BYTES
        and member.file_size > limits.ratio * max(member.compress_size, 1)
        for member in members
    ) or (total >= RATIO_FROM_BYTES and total > limits.ratio * max(compressed, 1))
    over_part = any(
        member.file_size > capped[member.filename]
        for member in members
        if member.filename in capped
    )
    if len(members) > limits.entries or total > limits.total or inflates or over_part:
        raise ValidationError(
            _(
                "The file unpacks to far more than its size (%(size)s): it is not read. "
                "Save it again in the program that made it and upload it again."
            ),
            code="archive_too_large",
            params={"size": filesizeformat(total)},
        )


def _zip_members(upload: Any, file_type: FileType, extension: str, scan: _Scan) -> list[str]:
    """The member names of a ZIP archive that starts like one, refused if it cannot be read
    or unpacks beyond the limits."""
    _check_binary_start(file_type, extension, scan.head)
    if not scan.head.startswith(ZIP_START):
        raise _mismatch(file_type, extension)
    try:
        upload.seek(0)
        if not zipfile.is_zipfile(upload):
            raise _mismatch(file_type, extension)
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            check_zip(archive)
            return archive.namelist()
    except ZIP_ERRORS as error:
        raise _mismatch(file_type, extension) from error


def _xml_elements(archive: zipfile.ZipFile, name: str):
    """The elements of one XML part as they are parsed (streamed, never whole): the
    parser resolves character references, encodings (UTF-16 too) and namespace prefixes,
    and refuses a DTD or entities (defusedxml)."""
    with archive.open(name) as member:
        for _event, element in DefusedET.iterparse(member, events=("start",)):
            yield element


def _local(tag: str) -> tuple[str, str]:
    """``{namespace}name`` as (namespace, name)."""
    namespace, _brace, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, name


# What marks macros or active content in an Office Open XML package, whatever its parts
# are called: content types ("…macroEnabled.main+xml", "application/vnd.ms-office.vbaProject",
# "…activeX…", Excel 4.0 macro sheets) and relationship types (".../vbaProject",
# ".../wordVbaData", an external ".../attachedTemplate", which fetches a template with
# macros when the document opens).
OFFICE_ACTIVE_MARKS = ("macroenabled", "vbaproject", "vbadata", "activex", "macrosheet")
# At most this many relationship parts are read: a document has a few dozen, a long
# presentation one per slide.
MAX_RELATIONSHIP_PARTS = 2000


def _check_office_open_xml(upload: Any, file_type: FileType, extension: str, scan: _Scan) -> None:
    """Word, Excel or PowerPoint: a ZIP with its content types and main part, and no macros,
    judged by the package's content types and relationships as well as its part names."""
    members = _zip_members(upload, file_type, extension, scan)
    names = {name.lower(): name for name in members}
    main_part = OFFICE_OPEN_XML_PARTS[file_type.key]
    if "[content_types].xml" not in names or main_part not in names:
        raise _mismatch(file_type, extension)
    if any(mark in name for name in names for mark in OFFICE_ACTIVE_MARKS):
        raise _macros()
    relationships = [name for lower, name in names.items() if lower.endswith(".rels")]
    if len(relationships) > MAX_RELATIONSHIP_PARTS:
        raise _mismatch(file_type, extension)
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            for element in _xml_elements(archive, names["[content_types].xml"]):
                if any(
                    mark in element.get("ContentType", "").lower() for mark in OFFICE_ACTIVE_MARKS
                ):
                    raise _macros()
            for name in relationships:
                for element in _xml_elements(archive, name):
                    kind = element.get("Type", "").lower()
                    external = element.get("TargetMode", "").lower() == "external"
                    if any(mark in kind for mark in OFFICE_ACTIVE_MARKS) or (
                        external and kind.endswith("/attachedtemplate")
                    ):
                        raise _macros()
    except (*ZIP_ERRORS, DefusedET.ParseError, DTDForbidden, EntitiesForbidden) as error:
        raise _mismatch(file_type, extension) from error


# Where an OpenDocument file keeps its macros: Basic libraries, and scripts in
# other languages (Scripts/python/, Scripts/javascript/, ...).
OPEN_DOCUMENT_MACRO_FOLDERS = ("basic/", "scripts/")
# How a document calls a macro, its own or one of the office suite's (which need no
# folder in the file): an element of the script namespace (an event listener, "on
# load"), or an address of a script or macro in any attribute (a link, a button).
OPEN_DOCUMENT_SCRIPT_NAMESPACE = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
OPEN_DOCUMENT_SCRIPT_ADDRESSES = ("vnd.sun.star.script:", "macro:")


def _macros() -> ValidationError:
    return ValidationError(
        _(
            "The document contains macros, which are not accepted. "
            "Save it as a document without macros and upload it again."
        ),
        code="active_content",
    )


def _check_open_document(upload: Any, file_type: FileType, extension: str, scan: _Scan) -> None:
    """An OpenDocument file: a ZIP whose first member, mimetype, names the document's kind,
    and no macros."""
    names = _zip_members(upload, file_type, extension, scan)
    expected = OPEN_DOCUMENT_MIMETYPES[file_type.key]
    if not names or names[0] != "mimetype":
        raise _mismatch(file_type, extension)
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive, archive.open("mimetype") as member:
            mimetype = member.read(len(expected) + 1)
    except ZIP_ERRORS as error:
        raise _mismatch(file_type, extension) from error
    if mimetype != expected:
        raise _mismatch(file_type, extension)
    if any(name.lower().startswith(OPEN_DOCUMENT_MACRO_FOLDERS) for name in names):
        raise _macros()
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            for name in names:
                if name.lower().endswith(".xml") and _calls_a_script(archive, name):
                    raise _macros()
    except (*ZIP_ERRORS, DefusedET.ParseError, DTDForbidden, EntitiesForbidden) as error:
        raise _mismatch(file_type, extension) from error


def _calls_a_script(archive: zipfile.ZipFile, name: str) -> bool:
    """Whether an XML part of an OpenDocument file (every one: embedded objects have their
    own content.xml) has an element of the script namespace or a script's address."""
    for element in _xml_elements(archive, name):
        namespace, local = _local(element.tag)
        if namespace == OPEN_DOCUMENT_SCRIPT_NAMESPACE and local != "scripts":
            return True
        for value in element.attrib.values():
            if value.strip().lower().startswith(OPEN_DOCUMENT_SCRIPT_ADDRESSES):
                return True
        element.clear()
    return False


def _looks_like_utf16(head: bytes) -> bool:
    """UTF-16 text: a BOM, or Latin text whose every other byte is NUL."""
    if head.startswith(BOMS[1:]):
        return True
    sample = head[:256]
    if len(sample) < 4 or sample.startswith(EXECUTABLE_STARTS):
        return False
    return not sample[1::2].strip(b"\x00") or not sample[0::2].strip(b"\x00")


def _check_text(upload: Any, file_type: FileType, extension: str, scan: _Scan) -> None:
    """Plain text or CSV: UTF-8 or cp1252, with nothing that a browser or a shell would run."""
    if _looks_like_utf16(scan.head):
        raise ValidationError(
            _(
                "The file is UTF-16 text (what Excel calls “Unicode text”), which is not "
                "accepted. Save it as UTF-8 (in Excel: Save as → CSV UTF-8) and upload it again."
            ),
            code="utf16",
        )
    if scan.has_nul or not scan.decodes:
        raise _mismatch(file_type, extension)
    if (
        scan.head.startswith(EXECUTABLE_STARTS)
        or _looks_like_markup(scan.head)
        or b"<script" in scan.head.lower()
    ):
        raise ValidationError(
            _("The file contains web page or program code, which is not accepted in a text file."),
            code="active_content",
        )


CONTENT_CHECKS: dict[str, Callable[[Any, FileType, str, _Scan], None]] = {
    "pdf": _check_pdf,
    "docx": _check_office_open_xml,
    "xlsx": _check_office_open_xml,
    "pptx": _check_office_open_xml,
    "odt": _check_open_document,
    "ods": _check_open_document,
    "odp": _check_open_document,
    "txt": _check_text,
    "csv": _check_text,
    "png": _check_magic(b"\x89PNG\r\n\x1a\n"),
    "jpg": _check_magic(b"\xff\xd8\xff"),
}
