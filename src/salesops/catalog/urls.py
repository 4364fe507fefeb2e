from django.urls import path

from salesops.catalog import authorisation_views, views

app_name = "catalog"
urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("products/new/", views.product_create, name="product_create"),
    path("products/<int:product_id>/", views.product_detail, name="product_detail"),
    path("products/<int:product_id>/edit/", views.product_edit, name="product_edit"),
    path("discount-authorisations/", authorisation_views.authorisation_list, name="authorisations"),
    path("discount-authorisations/new/", authorisation_views.authorisation_create, name="authorisation_create"),
    path(
        "discount-authorisations/<int:authorisation_id>/",
        authorisation_views.authorisation_detail,
        name="authorisation",
    ),
    path(
        "discount-authorisations/<int:authorisation_id>/revoke/",
        authorisation_views.authorisation_revoke,
        name="authorisation_revoke",
    ),
]
