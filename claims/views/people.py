"""Notifications and statistics."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render

from claims.charts import Bar, bars
from claims.models import (
    Claim,
    ClaimStatus,
    Notification,
    Rating,
)
from claims.services import people
from claims.views.access import desk_member
from claims.workflow import OPEN


@desk_member
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(
        Notification.objects.filter(user_id=int(request.user.pk or 0)).select_related("claim")[:100]
    )
    if request.method == "POST":
        people.notifications_mark_read(user=request.user)
        return redirect("desk:notifications")
    return render(request, "claims/notifications.html", {"title": "Notifications", "items": items})


@desk_member
def statistics(request: HttpRequest) -> HttpResponse:
    by_status = dict(Claim.objects.values_list("status").annotate(n=Count("id")))
    status_bars = [Bar(label, by_status.get(value, 0)) for value, label in ClaimStatus.choices]
    verdicts = Rating.objects.annotate(
        n=Count("claim", filter=Q(claim__status=ClaimStatus.PUBLISHED))
    ).order_by("order", "id")  # GROUP BY queries ignore Meta.ordering
    verdict_bars = [Bar(r.label, r.n, r.colour) for r in verdicts]
    published = list(
        Claim.objects.published().values_list("created_at", "published_at").order_by("published_at")
    )
    days = sorted((p - c).total_seconds() / 86400 for c, p in published if p)
    median = days[len(days) // 2] if days else None
    weeks = (
        Claim.objects.published()
        .annotate(week=TruncWeek("published_at"))
        .values("week")
        .annotate(n=Count("id"))
        .order_by("-week")[:12]
    )
    week_bars = [Bar(f"{w['week']:%Y-%m-%d}", w["n"]) for w in reversed(list(weeks))]
    workload = (
        get_user_model()
        .objects.filter(is_active=True)
        .annotate(
            open=Count(
                "assigned_claims",
                filter=Q(assigned_claims__status__in=OPEN),
            )
        )
        .filter(open__gt=0)
        .order_by("-open")
    )
    workload_bars = [Bar(u.get_username(), u.open) for u in workload]
    return render(
        request,
        "claims/statistics.html",
        {
            "title": "Statistics",
            "status_chart": bars(status_bars, title="Claims by status"),
            "verdict_chart": bars(verdict_bars, title="Published claims by verdict"),
            "week_chart": bars(week_bars, title="Published per week"),
            "workload_chart": bars(workload_bars, title="Open claims per person"),
            "median_days": median,
            "published_count": len(days),
        },
    )
