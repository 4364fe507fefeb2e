from django.urls import path

from salesops.core import views

app_name = "imports"
urlpatterns = [
    path("", views.import_page, name="page"),
    path("<int:job_id>/", views.import_detail, name="detail"),
    path("<int:job_id>/errors.csv", views.import_errors, name="errors"),
    path("templates/<slug:kind>.<slug:format>", views.import_template, name="template"),
]
