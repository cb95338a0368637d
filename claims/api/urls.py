from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from claims.api import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/articles/", views.ArticleListCreateApi.as_view(), name="articles"),
    path("v1/articles/<int:pk>/", views.ArticleDetailApi.as_view(), name="article"),
    path("v1/claims/", views.ClaimListApi.as_view(), name="claims"),
    path("v1/claims/<int:pk>/", views.ClaimDetailApi.as_view(), name="claim"),
    path("v1/claims/<int:pk>/claimreview/", views.ClaimReviewApi.as_view(), name="claimreview"),
    path("v1/claims/<int:pk>/sources/", views.SourceCreateApi.as_view(), name="claim-sources"),
    path("v1/claims/<int:pk>/comments/", views.CommentCreateApi.as_view(), name="claim-comments"),
    *[
        path(f"v1/claims/<int:pk>/{name}/", views.transition_view(name), name=f"claim-{name}")
        for name in views.TRANSITIONS
    ],
    path("v1/sources/<int:pk>/", views.SourceDeleteApi.as_view(), name="source"),
    path("v1/ratings/", views.RatingListApi.as_view(), name="ratings"),
    path("v1/verdicts/", views.PastVerdictSearchApi.as_view(), name="verdicts"),
    path("v1/claimreviews/", views.ClaimReviewFeedApi.as_view(), name="claimreviews"),
    path("v1/webhooks/", views.WebhookListCreateApi.as_view(), name="webhooks"),
    path("v1/webhooks/<int:pk>/", views.WebhookDeleteApi.as_view(), name="webhook"),
]
