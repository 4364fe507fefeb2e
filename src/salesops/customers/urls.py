from django.urls import path

from salesops.customers import contact_views, credit_release_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<int:customer_id>/delete/", views.customer_delete, name="delete"),
    path("<int:customer_id>/credit/", views.customer_credit, name="credit"),
    path(
        "<int:customer_id>/credit-releases/new/",
        credit_release_views.credit_release_create,
        name="credit_release_create",
    ),
    path("credit-releases/<int:release_id>/", credit_release_views.credit_release_detail, name="credit_release"),
    path("contacts/", contact_views.contact_list, name="contacts"),
    path("<int:customer_id>/contacts/new/", contact_views.contact_create, name="contact_create"),
    path("contacts/<int:contact_id>/edit/", contact_views.contact_edit, name="contact_edit"),
    path("contacts/<int:contact_id>/deactivate/", contact_views.contact_deactivate, name="contact_deactivate"),
    path("<int:customer_id>/addresses/new/", contact_views.address_create, name="address_create"),
    path("addresses/<int:address_id>/edit/", contact_views.address_edit, name="address_edit"),
    path("addresses/<int:address_id>/delete/", contact_views.address_delete, name="address_delete"),
]
