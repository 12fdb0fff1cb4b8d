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

import tempfile  # noqa: E402

COMPTOIR_IMPORT_DIR = tempfile.mkdtemp(prefix="comptoir-imports-")
