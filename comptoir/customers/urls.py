from django.urls import path

from comptoir.customers import views, views_merge

urlpatterns = [
    path("", views.customer_list, name="customer-list"),
    path("new/", views.customer_new, name="customer-new"),
    path("duplicates-check/", views.customer_duplicates_check, name="customer-duplicates-check"),
    path("filters/", views.customer_filter_counts, name="customer-filter-counts"),
    path("<int:pk>/", views.customer_card, name="customer-card"),
    path("<int:pk>/edit/", views.customer_edit, name="customer-edit"),
    path("<int:pk>/notes/", views.customer_add_note, name="customer-add-note"),
    path("<int:pk>/compare/<int:other_pk>/", views_merge.customer_compare, name="customer-compare"),
    path("merges/<int:pk>/undo/", views_merge.customer_merge_undo, name="customer-merge-undo"),
]
