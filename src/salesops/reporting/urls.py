from django.urls import path

from salesops.reporting import briefing_views

app_name = "reporting"
urlpatterns: list = [
    path("briefings/", briefing_views.briefing_list, name="briefings"),
    path("briefings/<int:briefing_id>/", briefing_views.briefing_detail, name="briefing"),
    path("briefings/<int:briefing_id>/send/", briefing_views.briefing_send, name="briefing_send"),
    path(
        "briefings/<int:briefing_id>/<str:extension>/",
        briefing_views.briefing_download,
        name="briefing_download",
    ),
]
