"""The dashboard's pages."""

from django.urls import path

from claims import converters  # noqa: F401 (registers <pk:...>)
from claims.views import articles, claims, memory, people, public, queues, reports

app_name = "desk"

urlpatterns = [
    path("", queues.queue, name="queue"),
    path("articles/", articles.article_list, name="articles"),
    path("articles/load/", articles.article_load, name="article-load"),
    path("articles/<int:pk>/", articles.article_detail, name="article"),
    path("articles/<int:pk>/_reader", articles.article_reader, name="article-reader"),
    path("articles/<int:pk>/edit/", articles.article_edit, name="article-edit"),
    path("articles/<int:pk>/archive/", articles.article_archive, name="article-archive"),
    path("articles/<int:pk>/unarchive/", articles.article_unarchive, name="article-unarchive"),
    path("articles/<int:pk>/delete/", articles.article_delete, name="article-delete"),
    path("articles/<int:pk>/extract/", articles.article_extract, name="article-extract"),
    path("articles/<int:pk>/claims/add/", articles.article_claim_add, name="article-claim-add"),
    path("articles/<int:pk>/report.<str:fmt>", reports.article_report, name="article-report"),
    path("reports/claims.<str:fmt>", reports.claims_report, name="claims-report"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim"),
    path("notifications/", people.notifications, name="notifications"),
    path("queues/save/", queues.saved_queue_save, name="queue-save"),
    path("statistics/", people.statistics, name="statistics"),
    path("accounts/two-factor/", people.two_factor, name="two-factor"),
    path("accounts/two-factor/verify/", people.two_factor_verify, name="two-factor-verify"),
    path("verdicts/", memory.past_verdicts, name="verdicts"),
    path("claims/<int:pk>/<slug:action>/", claims.claim_action, name="claim-action"),
    path("fact-checks/<pk:pk>/", public.fact_check, name="fact-check"),
]
