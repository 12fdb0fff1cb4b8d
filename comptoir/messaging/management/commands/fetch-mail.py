"""`comptoir fetch-mail`: read bounce reports and replies from the reply mailbox (COMPTOIR_IMAP_URL or
--imap) or from mbox files, and file each one (messaging.inbound.mail_ingest)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comptoir.messaging.inbound import ImapMailbox, mail_ingest, read_mbox


class Command(BaseCommand):
    help = "Read bounce reports (DSN) and replies from an IMAP mailbox or mbox files."

    def add_arguments(self, parser):
        parser.add_argument("--imap", default=None, help="imaps://user:password@host/INBOX (default COMPTOIR_IMAP_URL)")
        parser.add_argument("--mbox", action="append", default=[], help="an mbox file to read (repeatable)")

    def handle(self, *args, imap=None, mbox=(), **options):
        counts: dict[str, int] = {}

        def file(raw: bytes) -> None:
            outcome = mail_ingest(raw)
            counts[outcome] = counts.get(outcome, 0) + 1

        for path in mbox:
            try:
                for raw in read_mbox(path):
                    file(raw)
            except FileNotFoundError:
                raise CommandError(f"No such mbox file: {path}") from None
        url = imap or (settings.COMPTOIR_IMAP_URL if not mbox else None)
        if url:
            box = ImapMailbox(url)
            try:
                for number, raw in box.unread():
                    file(raw)
                    box.mark_seen(number)
            finally:
                box.close()
        elif not mbox:
            raise CommandError("Nothing to read: give --mbox FILE or --imap URL, or set COMPTOIR_IMAP_URL.")
        summary = ", ".join(f"{name}: {count}" for name, count in sorted(counts.items())) or "no mail"
        self.stdout.write(summary)
