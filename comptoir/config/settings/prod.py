"""Production: the secret key and allowed hosts must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from comptoir.config.env import env_bool, env_int, env_str

from .base import *  # noqa: F403

if not env_str("SECRET_KEY"):
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")

WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": STORAGES["default"],  # noqa: F405 — S3 when COMPTOIR_S3_BUCKET is set
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HTTPS only: redirect plain HTTP (the proxy says which scheme it received) and tell browsers to stay on
# HTTPS. SECURE_SSL_REDIRECT=0 when the load balancer already redirects; SECURE_HSTS_SECONDS=0 turns HSTS off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
# Comptoir runs on its own host name (crm.concession.example): its subdomains are its own.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
