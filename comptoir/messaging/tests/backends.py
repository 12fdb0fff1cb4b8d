"""Email backends for the tests: one that dies like a killed worker, one that always fails."""

from django.core.mail.backends.locmem import EmailBackend


class WorkerKilled(BaseException):
    """Not an Exception: like SIGKILL, nothing in the worker gets to record it."""


class DyingBackend(EmailBackend):
    sends_before_dying = 40
    sent = 0

    def send_messages(self, messages):
        if DyingBackend.sent >= DyingBackend.sends_before_dying:
            raise WorkerKilled()
        DyingBackend.sent += len(messages)
        return super().send_messages(messages)


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")
