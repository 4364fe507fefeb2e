from django.urls import path

from salesops.billing import views

app_name = "billing"
urlpatterns = [
    path("invoices/", views.invoice_list, name="invoice_list"),
    path("invoices/issue/<int:order_id>/", views.invoice_issue, name="invoice_issue"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/pdf", views.invoice_pdf, name="invoice_pdf"),
    path("corrections/", views.correction_queue, name="correction_queue"),
    path(
        "corrections/<int:correction_id>/<str:decision>/",
        views.correction_decide,
        name="correction_decide",
    ),
    path("payments/", views.payment_list, name="payment_list"),
    path("payments/new/", views.payment_create, name="payment_create"),
    path("payments/<int:payment_id>/", views.payment_detail, name="payment_detail"),
    path("customers/<int:customer_id>/credit/", views.customer_credit, name="customer_credit"),
    path("aging/", views.aging_page, name="aging"),
]
