"""Notifications, statistics and two-factor sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import TruncWeek
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from claims import errors
from claims.charts import Bar, bars
from claims.models import (
    Claim,
    ClaimStatus,
    Notification,
    Rating,
)
from claims.services import people
from claims.services.people import has_two_factor
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


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the person's authenticator app."""
    from django_otp import login as otp_login
    from django_otp import match_token

    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST":
        device = match_token(request.user, request.POST.get("code", "").strip())
        if device is not None:
            otp_login(request, device)
            return redirect(next_url)
        messages.error(request, "That code does not match; try the next one your app shows.")
    return render(
        request, "claims/two_factor_verify.html", {"title": "Your code", "next": next_url}
    )


@desk_member
def two_factor(request: HttpRequest) -> HttpResponse:
    """Switch two-factor sign-in on (scan the QR code, confirm a code) or off."""
    import base64

    import segno

    user = request.user
    context: dict[str, Any] = {"title": "Two-factor sign-in", "enabled": has_two_factor(user)}
    try:
        if request.method == "POST" and request.POST.get("do") == "confirm":
            from django_otp import login as otp_login

            device = people.two_factor_confirm(user=user, code=request.POST.get("code", ""))
            otp_login(request, device)  # this session gave the code just now
            messages.success(request, "Two-factor sign-in is on: every sign-in asks for a code.")
            return redirect("desk:two-factor")
        if request.method == "POST" and request.POST.get("do") == "disable":
            people.two_factor_disable(user=user, actor=user)
            messages.success(request, "Two-factor sign-in is off.")
            return redirect("desk:two-factor")
        if request.method == "POST" and request.POST.get("do") == "begin":
            device = people.two_factor_begin(user=user)
            context.update(
                setting_up=True,
                key=base64.b32encode(device.bin_key).decode(),
                qr=segno.make(device.config_url, error="m").svg_data_uri(scale=4),
            )
    except errors.DeskError as exc:
        messages.error(request, exc.message)
        return redirect("desk:two-factor")
    response = render(request, "claims/two_factor.html", context)
    response["Cache-Control"] = "no-store"  # the key is on this page once
    return response
