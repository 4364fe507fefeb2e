from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from salesops.api import api
from salesops.core import views as core_views
from salesops.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("login/", web_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("customers/", include("salesops.customers.urls")),
    path("catalog/", include("salesops.catalog.urls")),
    path("stock/", include("salesops.inventory.urls")),
    path("orders/", include("salesops.orders.urls")),
    path("billing/", include("salesops.billing.urls")),
    path("approvals/", include("salesops.approvals.urls")),
    path("reporting/", include("salesops.reporting.urls")),
    path("costs/", include("salesops.costs.urls")),
    path("imports/", include("salesops.core.urls")),
    path("notifications/", core_views.notifications_page, name="notifications"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
