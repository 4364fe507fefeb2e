from django.urls import path

from salesops.costs import views

app_name = "costs"
urlpatterns = [
    path("", views.report_page, name="report"),
    path("entries/", views.entries_page, name="entries"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("pools/", views.pools_page, name="pools"),
    path("pools/new/", views.pool_create, name="pool_create"),
    path("pools/<int:pool_id>/allocate/", views.pool_allocate, name="pool_allocate"),
]
