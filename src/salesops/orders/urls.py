from django.urls import path

from salesops.orders import line_views, quote_views, views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_create, name="create"),
    path("<int:order_id>/", views.order_detail, name="detail"),
    path("<int:order_id>/edit/", views.order_edit, name="edit"),
    path("<int:order_id>/ship/", views.order_ship, name="ship"),
    path("shipments/", views.shipment_list, name="shipment_list"),
    path("shipments/<int:shipment_id>/", views.shipment_detail, name="shipment_detail"),
    path("<int:order_id>/<str:action>/", views.order_action, name="action"),
    path("lines/preview/", line_views.line_preview, name="line_preview"),
    path("quotes/", quote_views.quote_list, name="quote_list"),
    path("quotes/new/", quote_views.quote_create, name="quote_create"),
    path("quotes/<int:quote_id>/", quote_views.quote_detail, name="quote_detail"),
    path("quotes/<int:quote_id>/edit/", quote_views.quote_edit, name="quote_edit"),
    path("quotes/<int:quote_id>/pdf", quote_views.quote_pdf, name="quote_pdf"),
    path("quotes/<int:quote_id>/<str:action>/", quote_views.quote_action, name="quote_action"),
]
