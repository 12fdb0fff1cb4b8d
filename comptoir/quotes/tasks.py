"""Background entry points: quote emails leave from `comptoir worker`."""

from django_tasks import task

from comptoir.quotes.services import quote_accepted_send, quote_email_send


@task()
def quote_email_task(variant_id: int, to: str, message: str, language: str) -> None:
    quote_email_send(variant_id=variant_id, to=to, message=message, language=language)


@task()
def quote_accepted_task(variant_id: int, user_id: int, language: str = "fr-ca") -> bool:
    """The salesperson's email when their customer accepted a variant online."""
    return quote_accepted_send(variant_id=variant_id, user_id=user_id, language=language)
