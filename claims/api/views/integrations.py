"""Webhook subscriptions, managed by editors (all of them) or by an integration token with
the `webhooks` scope (its own), and their delivery logs."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from claims import errors
from claims.api import serializers as out
from claims.api.views.base import Cursor, DeskApi
from claims.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from claims.permissions import Action
from claims.services import integrations

SIGNING_KEY_HELP = (
    "Standard Webhooks secret: `whsec_` + base64 of 24-64 random bytes. Leave it out and one is "
    "made; it is shown only in this response."
)


class WebhookIn(serializers.Serializer):
    url = serializers.URLField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1
    )
    secret = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text=SIGNING_KEY_HELP
    )


class WebhookUpdateIn(serializers.Serializer):
    url = serializers.URLField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), min_length=1, required=False
    )


class SecretIn(serializers.Serializer):
    secret = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text=SIGNING_KEY_HELP
    )


class WebhookOut(serializers.ModelSerializer):
    token = serializers.CharField(source="token.name", default=None, read_only=True)

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "is_active", "token", "created_at", "updated_at"]


class WebhookWithSecretOut(WebhookOut):
    secret = serializers.CharField(help_text="Shown only in this response.")

    class Meta(WebhookOut.Meta):
        fields = [*WebhookOut.Meta.fields, "secret"]


class DeliveryOut(serializers.ModelSerializer):
    event_id = serializers.SerializerMethodField(
        help_text="The `webhook-id` header it was sent with"
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event",
            "event_id",
            "status",
            "attempts",
            "last_status_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
            "payload",
        ]

    def get_event_id(self, delivery: WebhookDelivery) -> str:
        return str(delivery.payload.get("id") or f"msg_{delivery.pk}")


def _with_secret(subscription: WebhookSubscription, secret: str) -> dict[str, object]:
    return {**WebhookOut(subscription).data, "secret": secret}


class WebhookListCreateApi(DeskApi):
    actions = {"GET": Action.MANAGE_WEBHOOKS, "POST": Action.MANAGE_WEBHOOKS}

    @extend_schema(responses=WebhookOut(many=True), operation_id="webhooks_list")
    def get(self, request: Request) -> Response:
        subscriptions = integrations.webhook_subscriptions(actor=request.user)
        return Response(WebhookOut(subscriptions, many=True).data)

    @extend_schema(request=WebhookIn, responses={201: WebhookWithSecretOut})
    def post(self, request: Request) -> Response:
        data = WebhookIn(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, secret = integrations.webhook_subscribe(
            actor=request.user, **data.validated_data
        )
        return Response(_with_secret(subscription, secret), status=201)


class WebhookDetailApi(DeskApi):
    actions = {
        "GET": Action.MANAGE_WEBHOOKS,
        "PATCH": Action.MANAGE_WEBHOOKS,
        "DELETE": Action.MANAGE_WEBHOOKS,
    }

    @extend_schema(responses=WebhookOut, operation_id="webhooks_retrieve")
    def get(self, request: Request, pk: int) -> Response:
        subscription = integrations.webhook_subscriptions(actor=request.user).filter(pk=pk).first()
        if subscription is None:
            raise errors.NotFound(f"There is no active webhook subscription {pk}.")
        return Response(WebhookOut(subscription).data)

    @extend_schema(request=WebhookUpdateIn, responses=WebhookOut)
    def patch(self, request: Request, pk: int) -> Response:
        data = WebhookUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        subscription = integrations.webhook_update(
            subscription_id=pk, actor=request.user, **data.validated_data
        )
        return Response(WebhookOut(subscription).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        integrations.webhook_unsubscribe(subscription_id=pk, actor=request.user)
        return Response(status=204)


class WebhookRotateSecretApi(DeskApi):
    actions = {"POST": Action.MANAGE_WEBHOOKS}

    @extend_schema(request=SecretIn, responses=WebhookWithSecretOut)
    def post(self, request: Request, pk: int) -> Response:
        data = SecretIn(data=request.data)
        data.is_valid(raise_exception=True)
        subscription, secret = integrations.webhook_rotate_secret(
            subscription_id=pk, actor=request.user, **data.validated_data
        )
        return Response(_with_secret(subscription, secret))


class WebhookPingApi(DeskApi):
    actions = {"POST": Action.MANAGE_WEBHOOKS}

    @extend_schema(request=None, responses={202: DeliveryOut})
    def post(self, request: Request, pk: int) -> Response:
        ping = integrations.webhook_ping(subscription_id=pk, actor=request.user)
        return Response(DeliveryOut(ping).data, status=202)


class WebhookDeliveryListApi(DeskApi):
    cursor_paged = True  # the schema lists `cursor` and `page_size`
    actions = {"GET": Action.MANAGE_WEBHOOKS}

    @extend_schema(responses=out.page_of("DeliveryPage", DeliveryOut(many=True)))
    def get(self, request: Request, pk: int) -> Response:
        deliveries = integrations.webhook_deliveries(subscription_id=pk, actor=request.user)
        paginator = Cursor()
        page = paginator.paginate_queryset(deliveries, request, view=self)
        return paginator.get_paginated_response(DeliveryOut(page, many=True).data)


class WebhookRedeliverApi(DeskApi):
    actions = {"POST": Action.MANAGE_WEBHOOKS}

    @extend_schema(request=None, responses={202: DeliveryOut})
    def post(self, request: Request, pk: int, delivery_pk: int) -> Response:
        if not integrations.webhook_deliveries(subscription_id=pk, actor=request.user).filter(
            pk=delivery_pk
        ):
            raise errors.NotFound(f"There is no webhook delivery {delivery_pk}.")
        again = integrations.webhook_redeliver(delivery_id=delivery_pk, actor=request.user)
        return Response(DeliveryOut(again).data, status=202)
