"""The one NinjaAPI under /api/v1/: routers of every app, one error mapping."""

from ninja import NinjaAPI

from comptoir.accounts.api import auth_router, departments_router, locations_router, me_router, users_router
from comptoir.accounts.auth import api_auth
from comptoir.core.api import (
    competitors_router,
    lost_reasons_router,
    media_router,
    settings_router,
    sources_router,
    tags_router,
    task_types_router,
)
from comptoir.core.errors import register_error_handlers
from comptoir.catalog.api import price_lists_router, products_router, sellables_router
from comptoir.customers.api import router as customers_router
from comptoir.customers.api_merges import customer_merge_router, merges_router
from comptoir.imports.api import router as imports_router
from comptoir.leads.api import leads_router, public_router, web_forms_router
from comptoir.messaging.api import messages_router, templates_router
from comptoir.messaging.api import public_router as messaging_public_router
from comptoir.quotes.api import opportunity_quotes_router, quotes_router
from comptoir.desk.api import desk_sheets_router, desking_router, items_router, programs_router
from comptoir.activities.api import audit_router, calendar_router
from comptoir.activities.api import router as tasks_router
from comptoir.analytics.api import router as analytics_router
from comptoir.sales.api import opportunities_router, pipelines_router
from comptoir.sales.api_units import inventory_router, units_router

api = NinjaAPI(
    title="Comptoir",
    version="1",
    description="API de Comptoir, le CRM des concessionnaires. Authentification : "
    "POST /api/v1/auth/token puis « Authorization: Bearer <jeton> ».",
    auth=api_auth,
    urls_namespace="api",
)
register_error_handlers(api)

api.add_router("/auth", auth_router)
api.add_router("/me", me_router)
api.add_router("/me", calendar_router)
api.add_router("/users", users_router)
api.add_router("/departments", departments_router)
api.add_router("/locations", locations_router)
api.add_router("/media", media_router)
api.add_router("/sources", sources_router)
api.add_router("/tags", tags_router)
api.add_router("/lost-reasons", lost_reasons_router)
api.add_router("/task-types", task_types_router)
api.add_router("/competitors", competitors_router)
api.add_router("/settings", settings_router)
api.add_router("/customers", customers_router)
api.add_router("/customers", customer_merge_router)
api.add_router("/merges", merges_router)
api.add_router("/analytics", analytics_router)
api.add_router("/pipelines", pipelines_router)
api.add_router("/opportunities", opportunities_router)
api.add_router("/opportunities", opportunity_quotes_router)
api.add_router("/quotes", quotes_router)
api.add_router("/opportunities", desk_sheets_router)
api.add_router("/desking", desking_router)
api.add_router("/lender-programs", programs_router)
api.add_router("/desk-items", items_router)
api.add_router("/imports", imports_router)
api.add_router("/products", products_router)
api.add_router("/price-lists", price_lists_router)
api.add_router("/sellables", sellables_router)
api.add_router("/inventory-units", units_router)
api.add_router("/inventory", inventory_router)
api.add_router("/leads", leads_router)
api.add_router("/web-forms", web_forms_router)
api.add_router("/public", public_router)
api.add_router("/tasks", tasks_router)
api.add_router("/audit", audit_router)
from comptoir.walkins.api import router as walk_ins_router, showroom_router  # noqa: E402
api.add_router("/walk-ins", walk_ins_router)
api.add_router("/analytics", showroom_router)
api.add_router("/messages", messages_router)
api.add_router("/message-templates", templates_router)
from comptoir.attachments.api import router as attachments_router  # noqa: E402
api.add_router("/attachments", attachments_router)
api.add_router("/public", messaging_public_router)
