"""What a file really is, read from its first bytes (and, for office files, the names inside the ZIP):
a name says nothing, a `.pdf` may be a program. Each kind has its MIME type, the extensions it goes by and
the test its content must pass; `COMPTOIR_ATTACHMENT_TYPES` names the kinds a dealership takes."""

import zipfile
from dataclasses import dataclass
from typing import Callable

from django.conf import settings
from django.core import checks

HEAD_BYTES = 64 * 1024  # what a text file's test reads; the binary signatures are in the first bytes
PDF_HEADER_WITHIN = 1024  # PDF readers take the header anywhere in the first kilobyte
ODF_MIMETYPE_MAX = 100
MAX_ZIP_ENTRIES = 20_000  # the names an office file's test lists, no more (a ZIP bomb's directory)

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of .doc, .xls, and password-protected .docx/.xlsx
ZIP = b"PK\x03\x04"
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
TEXT_CONTROLS_ALLOWED = {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A}  # tab, line ends, form feed, DOS end of file


@dataclass(frozen=True)
class Kind:
    name: str
    mime: str
    extensions: tuple[str, ...]  # the first is the one a stored file gets
    test: Callable  # (head: bytes, upload) -> bool
    inline: bool = False  # shown in the browser (images, PDF) rather than downloaded


def _pdf(head, upload) -> bool:
    return b"%PDF-" in head[:PDF_HEADER_WITHIN]


def _png(head, upload) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _jpeg(head, upload) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _gif(head, upload) -> bool:
    return head[:6] in (b"GIF87a", b"GIF89a")


def _webp(head, upload) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _heic(head, upload) -> bool:
    """An ISO media file (ftyp box) whose major brand, or one of its compatible brands, is HEVC still."""
    if head[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(head[:4], "big")
    brands = [head[8:12]] + [head[i:i + 4] for i in range(16, min(box_size, len(head), 256), 4)]
    return any(brand in HEIC_BRANDS for brand in brands)


def _ole(head, upload) -> bool:
    return head.startswith(OLE)


def _zip_names(upload) -> list[str] | None:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return [info.filename for _i, info in zip(range(MAX_ZIP_ENTRIES), archive.infolist())]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)


def _ooxml(folder: str):
    def test(head, upload) -> bool:
        if _ole(head, upload):
            return True  # a password-protected Office file is an encrypted package inside a compound file
        if not head.startswith(ZIP):
            return False
        names = _zip_names(upload)
        return bool(names) and "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

    return test


def _odf(mimetype: bytes):
    def test(head, upload) -> bool:
        if not head.startswith(ZIP):
            return False
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as archive:
                with archive.open("mimetype") as entry:
                    return entry.read(ODF_MIMETYPE_MAX).strip() == mimetype
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, RuntimeError):
            return False
        finally:
            upload.seek(0)

    return test


def _text(head, upload) -> bool:
    """Plain text in UTF-8 or a Windows code page: no NUL, no control character a text never holds (what
    every program, image or archive has in its first kilobytes)."""
    return bool(head) and all(byte >= 0x20 or byte in TEXT_CONTROLS_ALLOWED for byte in head)


KINDS = {kind.name: kind for kind in (
    Kind("pdf", "application/pdf", ("pdf",), _pdf, inline=True),
    Kind("jpeg", "image/jpeg", ("jpg", "jpeg", "jpe", "jfif"), _jpeg, inline=True),
    Kind("png", "image/png", ("png",), _png, inline=True),
    Kind("webp", "image/webp", ("webp",), _webp, inline=True),
    Kind("gif", "image/gif", ("gif",), _gif, inline=True),
    Kind("heic", "image/heic", ("heic", "heif"), _heic),
    Kind("doc", "application/msword", ("doc",), _ole),
    Kind("xls", "application/vnd.ms-excel", ("xls",), _ole),
    Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",),
         _ooxml("word/")),
    Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",), _ooxml("xl/")),
    Kind("odt", "application/vnd.oasis.opendocument.text", ("odt",), _odf(b"application/vnd.oasis.opendocument.text")),
    Kind("ods", "application/vnd.oasis.opendocument.spreadsheet", ("ods",),
         _odf(b"application/vnd.oasis.opendocument.spreadsheet")),
    Kind("txt", "text/plain", ("txt",), _text),
    Kind("csv", "text/csv", ("csv",), _text),
)}
INLINE_TYPES = frozenset(kind.mime for kind in KINDS.values() if kind.inline)
# Kinds a name without an extension may be recognised as: the ones with a signature of their own.
BY_SIGNATURE = ("pdf", "jpeg", "png", "webp", "gif", "heic")


def allowed_kinds() -> list[Kind]:
    return [KINDS[name] for name in settings.COMPTOIR_ATTACHMENT_TYPES if name in KINDS]


def allowed_extensions() -> list[str]:
    return [extension for kind in allowed_kinds() for extension in kind.extensions]


def extension_of(name: str) -> str:
    stem, dot, extension = (name or "").rpartition(".")
    return extension.lower() if dot and stem else ""


def identify(upload, name: str) -> Kind | None:
    """The allowed kind the file is, or None: its extension names the kind and its content must be that kind;
    a name without an extension is taken for a kind it has the signature of."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    extension = extension_of(name)
    allowed = allowed_kinds()
    if extension:
        candidates = [kind for kind in allowed if extension in kind.extensions]
    else:
        candidates = [kind for kind in allowed if kind.name in BY_SIGNATURE]
    return next((kind for kind in candidates if kind.test(head, upload)), None)


def check_settings(app_configs=None, **kwargs):
    unknown = [name for name in settings.COMPTOIR_ATTACHMENT_TYPES if name not in KINDS]
    if unknown:
        return [checks.Error(
            f"COMPTOIR_ATTACHMENT_TYPES names unknown kinds: {', '.join(unknown)}",
            hint=f"Known kinds: {', '.join(KINDS)}.", id="attachments.E001")]
    return []
