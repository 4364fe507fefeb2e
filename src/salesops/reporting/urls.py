from django.urls import path

from salesops.reporting import briefing_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("documents/", views.stage_documents, name="documents"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("briefings/", briefing_views.briefing_list, name="briefings"),
    path("briefings/<int:briefing_id>/", briefing_views.briefing_detail, name="briefing"),
    path("briefings/<int:briefing_id>/send/", briefing_views.briefing_send, name="briefing_send"),
    path(
        "briefings/<int:briefing_id>/<str:extension>/",
        briefing_views.briefing_download,
        name="briefing_download",
    ),
]
