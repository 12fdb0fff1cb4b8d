"""Background entry points: worksheet emails leave from `comptoir worker`."""

from django_tasks import task

from comptoir.desk.services import desk_sheet_email_send


@task()
def desk_sheet_email_task(sheet_id: int, to: str, message: str, language: str, picks: list) -> None:
    desk_sheet_email_send(sheet_id=sheet_id, to=to, message=message, language=language, picks=picks)
