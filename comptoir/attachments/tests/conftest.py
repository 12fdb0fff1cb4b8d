import io
import zipfile

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from comptoir.customers.tests.factories import make_customer
from comptoir.messaging import sms

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# The start of a Windows program: what a « facture.pdf » sent by a scammer really is.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + \
      b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 200
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def image(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


def heic() -> bytes:
    # An ISO media file's first box: size, "ftyp", major brand, minor version, compatible brands.
    return (24).to_bytes(4, "big") + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic" + b"\x00" * 64


def office_zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx() -> bytes:
    return office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def xlsx() -> bytes:
    return office_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def odf(mimetype: str) -> bytes:
    return office_zip({"mimetype": mimetype.encode(), "content.xml": b"<office:document-content/>"})


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every file a test stores lands in its own temporary folder, never in var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _empty_outboxes():
    mail.outbox = []
    sms.outbox.clear()
    yield


@pytest.fixture
def customer(salesperson):
    return make_customer(salesperson, first_name="Julie", last_name="Roy", email="julie.roy@exemple.ca",
                         phones=[{"kind": "mobile", "number": "514 555-0101"}])


@pytest.fixture
def rival(db):
    from comptoir.accounts.tests.factories import UserFactory

    return UserFactory(role="salesperson")


@pytest.fixture
def rivals_customer(rival):
    return make_customer(rival, first_name="Marc", last_name="Côté", email="marc.cote@exemple.ca")


@pytest.fixture
def deal(salesperson, admin, customer):
    from comptoir.sales.tests.factories import make_opportunity, make_pipeline

    return make_opportunity(salesperson, customer, make_pipeline(admin), product="Can-Am Outlander")
