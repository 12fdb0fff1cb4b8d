"""Public tracking (/m/o/, /m/c/) and the signed-in messaging pages (/messages/)."""

from django.urls import path

from comptoir.messaging import views

tracking_urls = [
    path("o/<str:key>.gif", views.open_pixel, name="message-open"),
    path("c/<str:token>/", views.click, name="message-click"),
]

urlpatterns = [
    path("inbox/", views.inbox_page, name="message-inbox"),
    path("inbox/<int:pk>/", views.inbox_message, name="message-inbox-message"),
    path("inbox/<int:pk>/read/", views.inbox_mark_read, name="message-inbox-read"),
    path("inbox/<int:pk>/unread/", views.inbox_mark_unread, name="message-inbox-unread"),
    path("bulk/", views.bulk_page, name="message-bulk"),
    path("bulk/<int:pk>/", views.bulk_progress_page, name="message-bulk-progress"),
    path("<str:target>/<int:pk>/", views.section, name="message-section"),
    path("<str:target>/<int:pk>/preview/", views.compose_preview, name="message-preview"),
    path("<str:target>/<int:pk>/send/", views.compose_send, name="message-send"),
]
