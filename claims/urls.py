"""The dashboard's pages."""

from django.urls import path

from claims import views

app_name = "desk"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("articles/", views.article_list, name="articles"),
    path("articles/load/", views.article_load, name="article-load"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/_reader", views.article_reader, name="article-reader"),
    path("articles/<int:pk>/report.<str:fmt>", views.article_report, name="article-report"),
    path("reports/claims.<str:fmt>", views.claims_report, name="claims-report"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("notifications/", views.notifications, name="notifications"),
    path("queues/save/", views.saved_queue_save, name="queue-save"),
    path("statistics/", views.statistics, name="statistics"),
    path("verdicts/", views.past_verdicts, name="verdicts"),
    path("claims/<int:pk>/<slug:action>/", views.claim_action, name="claim-action"),
]
