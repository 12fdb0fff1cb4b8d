"""Reads on opportunities: visibility, lists, conversion analytics (DESIGN: analytics).

One module per part; every name callers use is here, so they import `comptoir.sales.selectors`."""

from comptoir.sales.selectors.opportunities import (  # noqa: F401
    STRIP_DEFAULT_SORT, STRIP_SORTS, STRIP_TOP, board_cards, board_column_figures, board_team_figures,
    board_team_strip, opportunity_get, opportunity_list, opportunity_page, opportunity_row, opportunity_rows,
    opportunity_visible, pipeline_default, team_rows_sorted,
)
from comptoir.sales.selectors.pipelines import pipeline_get, pipeline_list, stages_offered  # noqa: F401
from comptoir.sales.selectors.units import UNIT_HOLDING, unit_deals, unit_list, unit_rivals  # noqa: F401
from comptoir.sales.selectors.conversion import (  # noqa: F401
    CONVERSION_DIMENSIONS, DEAL_EXPORT_FIELDS, NO_GROUP, OUTCOMES, conversion_compute, conversion_deal_rows,
    conversion_deals, conversion_funnel,
)
from comptoir.sales.selectors.history import FIELD_LABELS, opportunity_history  # noqa: F401
from comptoir.sales.selectors.planning import PLAN_DAYS, SALES_STEP, plan_compute  # noqa: F401
