"""Webhook subscriptions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.views.base import DeskApi
from claims.models import (
    WebhookEvent,
    WebhookSubscription,
)
from claims.permissions import Action
from claims.services import integrations


class WebhookIn(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1
    )
    secret = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class WebhookOut(serializers.ModelSerializer):
    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "is_active", "created_at"]


class WebhookListCreateApi(DeskApi):
    actions = {
        "GET": Action.MANAGE_INTEGRATIONS,
        "POST": Action.MANAGE_INTEGRATIONS,
    }

    @extend_schema(responses=WebhookOut(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            WebhookOut(WebhookSubscription.objects.filter(is_active=True), many=True).data
        )

    @extend_schema(request=WebhookIn, responses={201: WebhookOut})
    def post(self, request: Request) -> Response:
        data = WebhookIn(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, secret = integrations.webhook_subscribe(
            actor=request.user, **data.validated_data
        )
        # The secret is shown once, here; it signs every delivery.
        return Response({**WebhookOut(subscription).data, "secret": secret}, status=201)


class WebhookDeleteApi(DeskApi):
    actions = {"DELETE": Action.MANAGE_INTEGRATIONS}

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        integrations.webhook_unsubscribe(subscription_id=pk, actor=request.user)
        return Response(status=204)
