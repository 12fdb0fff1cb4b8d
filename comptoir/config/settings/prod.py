"""Production: the secret key and allowed hosts must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from comptoir.config.env import env_bool, env_str

from .base import *  # noqa: F403

if not env_str("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
