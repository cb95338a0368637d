from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from claims import converters  # noqa: F401 (registers <pk:...>)
from claims.api.views import articles, claimreview, claims, integrations, memory, research

app_name = "api"


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/articles/", articles.ArticleListCreateApi.as_view(), name="articles"),
    path("v1/articles/<pk:pk>/", articles.ArticleDetailApi.as_view(), name="article"),
    path(
        "v1/articles/<pk:pk>/archive/", articles.ArticleArchiveApi.as_view(), name="article-archive"
    ),
    path(
        "v1/articles/<pk:pk>/extract/", articles.ArticleExtractApi.as_view(), name="article-extract"
    ),
    path(
        "v1/articles/<pk:pk>/unarchive/",
        articles.ArticleUnarchiveApi.as_view(),
        name="article-unarchive",
    ),
    path(
        "v1/articles/<pk:pk>/claims/",
        claims.ArticleClaimCreateApi.as_view(),
        name="article-claims",
    ),
    path("v1/claims/", claims.ClaimListApi.as_view(), name="claims"),
    path("v1/claims/<pk:pk>/", claims.ClaimDetailApi.as_view(), name="claim"),
    path(
        "v1/claims/<pk:pk>/claimreview/", claimreview.ClaimReviewApi.as_view(), name="claimreview"
    ),
    path("v1/claims/<pk:pk>/sources/", research.SourceCreateApi.as_view(), name="claim-sources"),
    path("v1/claims/<pk:pk>/comments/", research.CommentCreateApi.as_view(), name="claim-comments"),
    *[
        path(f"v1/claims/<pk:pk>/{name}/", claims.transition_view(name), name=f"claim-{name}")
        for name in claims.TRANSITIONS
    ],
    path("v1/sources/<pk:pk>/", research.SourceDeleteApi.as_view(), name="source"),
    path("v1/ratings/", research.RatingListApi.as_view(), name="ratings"),
    path("v1/verdicts/", memory.PastVerdictSearchApi.as_view(), name="verdicts"),
    path("v1/claimreviews/", claimreview.ClaimReviewFeedApi.as_view(), name="claimreviews"),
    path("v1/webhooks/", integrations.WebhookListCreateApi.as_view(), name="webhooks"),
    path("v1/webhooks/<pk:pk>/", integrations.WebhookDetailApi.as_view(), name="webhook"),
    path(
        "v1/webhooks/<pk:pk>/rotate-secret/",
        integrations.WebhookRotateSecretApi.as_view(),
        name="webhook-rotate-secret",
    ),
    path("v1/webhooks/<pk:pk>/ping/", integrations.WebhookPingApi.as_view(), name="webhook-ping"),
    path(
        "v1/webhooks/<pk:pk>/deliveries/",
        integrations.WebhookDeliveryListApi.as_view(),
        name="webhook-deliveries",
    ),
    path(
        "v1/webhooks/<pk:pk>/deliveries/<pk:delivery_pk>/redeliver/",
        integrations.WebhookRedeliverApi.as_view(),
        name="webhook-redeliver",
    ),
]
