"""Where files are kept: var/media by default, an S3-compatible bucket when the environment names one. The
settings are read in a fresh interpreter with the environment given; nothing reaches the network."""

import json
import os
import subprocess
import sys

from django.core import checks

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
default_storage._setup()
storage = default_storage._wrapped
print(json.dumps({
    "backend": settings.STORAGES["default"]["BACKEND"],
    "class": f"{type(storage).__module__}.{type(storage).__name__}",
    "bucket": getattr(storage, "bucket_name", None),
    "endpoint": getattr(storage, "endpoint_url", None),
    "region": getattr(storage, "region_name", None),
    "acl": getattr(storage, "default_acl", "unset"),
    "max_bytes": settings.COMPTOIR_ATTACHMENT_MAX_BYTES,
    "types": settings.COMPTOIR_ATTACHMENT_TYPES,
    "days": settings.COMPTOIR_ATTACHMENT_LINK_DAYS,
}))
"""


def _settings_with(tmp_path, **environment) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("COMPTOIR_", "AWS_")) and key != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="comptoir.config.settings.test", COMPTOIR_VAR_DIR=str(tmp_path),
               **environment)
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_files_go_to_var_media_by_default_with_the_default_limits(tmp_path):
    probe = _settings_with(tmp_path)
    assert probe["class"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert probe["max_bytes"] == 20 * 1024 * 1024 and probe["days"] == 7
    assert probe["types"] == ["pdf", "jpeg", "png", "webp", "heic", "gif", "doc", "docx", "xls", "xlsx", "odt",
                              "ods", "txt", "csv"]


def test_a_bucket_in_the_environment_puts_files_in_s3(tmp_path):
    probe = _settings_with(tmp_path, COMPTOIR_S3_BUCKET="comptoir-fichiers",
                           COMPTOIR_S3_ENDPOINT_URL="https://s3.ca-central-1.example.net",
                           COMPTOIR_S3_REGION="ca-central-1", AWS_ACCESS_KEY_ID="AKIAEXEMPLE",
                           AWS_SECRET_ACCESS_KEY="secret", COMPTOIR_ATTACHMENT_MAX_BYTES="1048576",
                           COMPTOIR_ATTACHMENT_TYPES="pdf, png", COMPTOIR_ATTACHMENT_LINK_DAYS="3")
    assert probe["backend"] == "storages.backends.s3.S3Storage"
    assert probe["class"] == "storages.backends.s3.S3Storage"
    assert probe["bucket"] == "comptoir-fichiers" and probe["region"] == "ca-central-1"
    assert probe["endpoint"] == "https://s3.ca-central-1.example.net"
    assert probe["acl"] is None  # private objects
    assert probe["max_bytes"] == 1_048_576 and probe["types"] == ["pdf", "png"] and probe["days"] == 3


def test_an_unknown_kind_in_the_settings_fails_the_system_check(settings):
    from comptoir.attachments.kinds import check_settings

    settings.COMPTOIR_ATTACHMENT_TYPES = ["pdf", "exe"]
    [error] = check_settings()
    assert error.id == "attachments.E001" and error.level == checks.ERROR and "exe" in error.msg
    settings.COMPTOIR_ATTACHMENT_TYPES = ["pdf"]
    assert check_settings() == []
