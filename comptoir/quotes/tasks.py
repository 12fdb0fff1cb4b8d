"""Background entry points: quote emails leave from `comptoir worker`."""

from django_tasks import task

from comptoir.quotes.services import quote_email_send


@task()
def quote_email_task(variant_id: int, to: str, message: str, language: str) -> None:
    quote_email_send(variant_id=variant_id, to=to, message=message, language=language)
