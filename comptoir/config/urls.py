from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from django.views.static import serve as serve_file

from comptoir.accounts.views import set_language
from comptoir.activities import views as activity_views
from comptoir.activities.views import calendar_feed
from comptoir.config.api import api
from comptoir.core.views import healthz
from comptoir.home import views as home_views
from comptoir.messaging.urls import tracking_urls
from comptoir.messaging.views import unsubscribe_view
from comptoir.quotes.urls import opportunity_urls as quote_opportunity_urls
from comptoir.desk.urls import opportunity_urls as desk_opportunity_urls
from comptoir.sales.urls import unit_urls as sales_unit_urls

admin.site.site_header = "Comptoir"
admin.site.site_title = "Comptoir"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("search/", home_views.search, name="search"),
    # The email providers' signed webhooks (django-anymail): /api/v1/public/anymail/<provider>/tracking/ …
    path("api/v1/public/anymail/", include("comptoir.messaging.providers")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    # The top bar's language switch (Django's set_language, also saved on the signed-in user).
    path("i18n/setlang/", set_language, name="set_language"),
    # User photos are for signed-in users only, so they are not static. Nothing else of MEDIA_ROOT is
    # served here: attachments go through their own views, which check who may see them.
    re_path(
        r"^%susers/photos/(?P<path>.*)$" % settings.MEDIA_URL.lstrip("/"),
        login_required(serve_file),
        {"document_root": settings.MEDIA_ROOT / "users" / "photos"},
    ),
    path("customers/", include("comptoir.customers.urls")),
    path("q/", include("comptoir.quotes.urls")),
    path("m/", include(tracking_urls)),
    path("messages/", include("comptoir.messaging.urls")),
    path("calendar/<str:secret>.ics", calendar_feed, name="calendar-feed"),
    path("unsubscribe/<str:token>/", unsubscribe_view, name="unsubscribe"),
    path("attachments/", include("comptoir.attachments.urls")),
    path("leads/", include("comptoir.leads.urls")),
    path("my-day/", activity_views.my_day, name="my-day"),
    path("week/", activity_views.calendar_week, name="calendar-week"),
    path("tasks/new/", activity_views.task_new, name="task-new"),
    path("tasks/<int:pk>/done/", activity_views.task_done, name="task-complete"),
    path("sales/", include("comptoir.sales.urls")),
    path("sales/", include(quote_opportunity_urls)),  # an opportunity's quotes (quotes/urls.py), under /sales/
    path("sales/", include(desk_opportunity_urls)),  # an opportunity's desk (desk/urls.py), under /sales/
    path("catalog/", include(sales_unit_urls)),  # the units with their deals (sales/views_units.py)
    path("catalog/", include("comptoir.catalog.urls")),
    path("walk-ins/", include("comptoir.walkins.urls")),
    path("imports/", include("comptoir.imports.urls")),
    path("", include("comptoir.accounts.urls")),
]
