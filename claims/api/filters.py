"""Claim list filters: status, rating, kind, article, assignee, score range, updated since, text."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from claims.models import Claim, ClaimKind, ClaimStatus


class ClaimFilter(django_filters.FilterSet):
    # distinct=False: a claim matches a status once; DISTINCT over every column is slow.
    status = django_filters.MultipleChoiceFilter(choices=ClaimStatus.choices, distinct=False)
    kind = django_filters.MultipleChoiceFilter(choices=ClaimKind.choices, distinct=False)
    rating = django_filters.CharFilter(field_name="rating__slug")
    article = django_filters.NumberFilter(field_name="article_id")
    assignee = django_filters.CharFilter(field_name="assignee__username")
    score_min = django_filters.NumberFilter(field_name="score", lookup_expr="gte")
    score_max = django_filters.NumberFilter(field_name="score", lookup_expr="lte")
    updated_since = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    search = django_filters.CharFilter(method="filter_search", max_length=200)

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        value = value.replace("\x00", "").strip()
        if not value:
            return queryset
        return queryset.filter(text__icontains=value)
