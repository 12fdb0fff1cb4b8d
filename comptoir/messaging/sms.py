"""SMS behind one interface, like Django's email backends: `COMPTOIR_SMS_BACKEND` names the class.
The default writes each text to the log; `locmem` keeps them in `outbox` for tests. A provider is
plugged in with a class of the same shape whose `send` answers the provider's message id and raises on
failure (the worker then retries with backoff)."""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("comptoir.sms")
outbox: list[dict] = []


class BaseSmsBackend:
    def send(self, *, to: str, body: str, sender: str) -> str:
        raise NotImplementedError


class LoggingBackend(BaseSmsBackend):
    def send(self, *, to: str, body: str, sender: str) -> str:
        logger.info("SMS from %s to %s: %s", sender, to, body)
        return ""


class LocmemBackend(BaseSmsBackend):
    def send(self, *, to: str, body: str, sender: str) -> str:
        outbox.append({"to": to, "body": body, "sender": sender})
        return f"locmem-{len(outbox)}"


def get_backend() -> BaseSmsBackend:
    return import_string(settings.COMPTOIR_SMS_BACKEND)()
