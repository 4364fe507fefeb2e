from django.urls import path

from salesops.inventory import views

app_name = "inventory"
urlpatterns = [
    path("", views.stock_list, name="list"),
    path("receive/", views.receive, name="receive"),
    path("adjust/", views.adjust, name="adjust"),
    path("<int:level_id>/", views.stock_detail, name="detail"),
]
