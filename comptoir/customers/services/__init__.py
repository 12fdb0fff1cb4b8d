"""Writes on customers: the email, phone, duplicate-key, ownership and merge rules (DESIGN: customers).

One module per part; every name callers use is here, so they import `comptoir.customers.services`."""

from comptoir.customers.services.contact import (  # noqa: F401
    BAD_EMAIL, BAD_PHONE, BAD_PHONE_KIND, FAKE_EMAIL, MAX_PHONES, TOO_MANY_PHONES, email_clean, phone_digits_reversed,
    phone_e164, phones_clean, phones_typed, placeholder_email,
)
from comptoir.customers.services.keys import customer_keys, customer_tokens  # noqa: F401
from comptoir.customers.services.records import (  # noqa: F401
    ASSIGN_FORBIDDEN, BAD_SALESPERSON, CHANNEL_MEDIA, CREATE_FORBIDDEN, CUSTOMER_FORBIDDEN, DUPLICATE_CUSTOMER,
    EMAIL_AND_NO_EMAIL, NAME_REQUIRED, NOTE_REQUIRED, SAME_EMAIL_AS, SAME_PHONE_AS, SYSTEM_CHANNELS, SYSTEM_MEDIA,
    TEXT_FIELDS, TRACKED_FIELDS, DuplicateCustomer, Lookups, customer_create, customer_draft,
    customer_duplicates_check, customer_mark_email_bounced, customer_note_add, customer_update,
)
from comptoir.customers.services.merge import FILLABLE_FIELDS, SELF_MERGE, customer_merge  # noqa: F401
from comptoir.customers.services.merge_undo import customer_merge_undo  # noqa: F401
from comptoir.customers.merges_read import (  # noqa: F401
    BAD_SIDE, UNDO_ALREADY, UNDO_FORBIDDEN, UNDO_STALE, UNDO_TOO_LATE, UNKNOWN_CHOICE,
)
from comptoir.customers.services.imports import (  # noqa: F401
    _CUSTOMER_FIELDS, TOO_LONG, OnDuplicate, customers_draft, customers_import,
)
