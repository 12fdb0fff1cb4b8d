"""Tests: fast hashing, tasks run at once, a private cache."""

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "fr-ca"
COMPTOIR_TOKEN_THROTTLE = "1000/m"
COMPTOIR_SMS_BACKEND = "comptoir.messaging.sms.LocmemBackend"
COMPTOIR_MESSAGES_PER_MINUTE = 10_000
COMPTOIR_EMAIL_WEBHOOK_SECRET = "test-webhook-secret"
# A replica that never catches up (its own empty test database): the test that routes reports to
# it sees them count nothing. Reports stay on the primary unless a test says otherwise.
DATABASES["replica"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}  # noqa: F405
COMPTOIR_REPORTS_DATABASE = "default"
# A test run makes tens of thousands of requests: their lines stay out of a failure's captured log (the test of
# the request log turns them back on).
LOGGING = {**LOGGING, "loggers": {**LOGGING["loggers"], "comptoir.requests": {"level": "WARNING"}}}  # noqa: F405

import tempfile  # noqa: E402

COMPTOIR_IMPORT_DIR = tempfile.mkdtemp(prefix="comptoir-imports-")
# Uploads (user photos, the dealer's logo, attachments) of a test run never land in the real var/media.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="comptoir-media-"))  # noqa: F405
