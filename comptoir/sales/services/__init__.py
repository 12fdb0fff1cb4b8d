"""Writes on pipelines and opportunities: numbering, stage moves, status rules (DESIGN: opportunities).

One module per part; every name callers use is here, so they import `comptoir.sales.services`."""

from comptoir.sales.services.numbers import number_next, numbers_take, paper_number  # noqa: F401
from comptoir.sales.services.pipelines import (  # noqa: F401
    BAD_PREFIX, BAD_STAGE_ORDER, DUPLICATE_STAGE, FIRST_STAGE_ARCHIVED, PIPELINES_FORBIDDEN,
    PIPELINE_NAME_REQUIRED, PIPELINE_NAME_TAKEN, PIPELINE_NAME_TOO_LONG, PREFIX_TAKEN, STAGE_ARCHIVE_OPEN_DEALS,
    STAGE_ARCHIVED, STAGE_HAS_HISTORY, STAGE_HOLDS_OPEN_DEALS, STAGE_NAME_REQUIRED, STAGE_NAME_TAKEN,
    STAGE_NAME_TOO_LONG, STAGES_REQUIRED,
    pipeline_check, pipeline_create, pipeline_stages_save, pipeline_update, stage_add, stage_move,
    stage_names_clean, stage_remove, stage_update, stages_reorder,
)
from comptoir.sales.services.opportunities import (  # noqa: F401
    ASSIGNEES_FORBIDDEN, ASSIGN_FORBIDDEN, BAD_PROBABILITY, CLOSED_FIGURES_FORBIDDEN, CLOSED_NO_PRICE,
    CLOSED_NO_STAGE, CLOSED_REASSIGN_FORBIDDEN, CONTACT_FIELDS, FIGURES_FROM_QUOTE, HISTORY_FIELDS, CONTACT_NEEDS_NAME, CREATE_FORBIDDEN, EXCLUDE_FORBIDDEN, INACTIVE_PIPELINE,
    LOST_NEEDS_REASON, MAX_CONTACTS, NOT_ASSIGNABLE, NOT_VISIBLE_TO_CREATOR, OPPORTUNITY_FIELDS,
    REASSIGN_FORBIDDEN, SALE_DATE_FORBIDDEN, SALE_DATE_IN_FUTURE, SALE_DATE_ONLY_WON, STATUS_ELSEWHERE,
    TOO_MANY_CONTACTS, UNIT_SOLD, UNKNOWN_COMPETITOR, WON_NEEDS_AMOUNTS, WON_NEEDS_QUOTE, WON_NO_UNIT_CHANGE,
    WRONG_STAGE, opportunity_change_sale_date, opportunity_change_status, opportunity_create, opportunity_lock,
    opportunity_figures_from_quote, opportunity_locked_fields, opportunity_price_from_quote,
    opportunity_status_actions, opportunity_status_check, opportunity_update, unit_for_sale,
)
from comptoir.sales.services.imports import (  # noqa: F401
    BAD_STATUS, CLOSED_BEFORE_CREATED, CLOSED_IN_FUTURE, CUSTOMER_REQUIRED, PIPELINE_REQUIRED, STATUS_WORDS,
    UNKNOWN_CUSTOMER, UNKNOWN_STAGE, opportunities_import,
)
