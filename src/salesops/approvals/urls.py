from django.urls import path

from salesops.approvals import policy_views, views

app_name = "approvals"
urlpatterns = [
    path("", views.inbox_page, name="inbox"),
    path("requests/<int:request_id>/", views.request_page, name="request"),
    path("requests/<int:request_id>/decide/", views.decide_page, name="decide"),
    path("delegations/", views.delegations_page, name="delegations"),
    path("policies/", policy_views.policy_list, name="policies"),
    path("policies/<int:policy_id>/", policy_views.policy_detail, name="policy"),
    path("policies/<int:policy_id>/check/", policy_views.check_condition, name="check_condition"),
    path("policies/<int:policy_id>/simulate/", policy_views.policy_simulate, name="simulate"),
    path("analytics/", policy_views.analytics_page, name="analytics"),
]
