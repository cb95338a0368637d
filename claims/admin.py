"""The Django admin for power users. Workflow fields are read-only here: status changes,
verdicts, sources and comments go through `claims.services`, so the admin obeys every rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.html import format_html

from claims import errors
from claims.models import (
    AccessRecord,
    ApiToken,
    Article,
    Claim,
    ClaimMatch,
    Comment,
    Event,
    FactCheck,
    Rating,
    Source,
    WebhookDelivery,
    WebhookSubscription,
)
from claims.permissions import Action, can
from claims.services import archive as archive_service
from claims.services import articles as article_service
from claims.services import editing, integrations, research, workflow
from claims.workflow import STEPS, Step


def _run_for_each(
    request: HttpRequest,
    queryset: QuerySet[Claim],
    verb: str,
    call: Callable[[Claim], Any],
) -> None:
    """Apply a service to each selected claim; report successes and each refusal."""
    done = 0
    for claim in queryset.order_by("pk"):
        try:
            call(claim)
            done += 1
        except errors.DeskError as exc:
            messages.error(request, f"Claim {claim.pk}: {exc.message}")
    if done:
        messages.success(request, f"{verb} {done} claim{'s' if done != 1 else ''}.")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = Event
    fk_name = "claim"
    fields = ("created_at", "actor", "action", "before", "after")
    readonly_fields = fields
    verbose_name_plural = "History"


class SourceFormSet(BaseInlineFormSet):
    """Sources added or removed in the admin go through the services (rules and audit)."""

    def save(self, commit: bool = True) -> list[Any]:
        request: HttpRequest = self.request  # type: ignore[attr-defined]
        self.changed_objects: list[Any] = []
        self.deleted_objects: list[Any] = []
        for form in self.deleted_forms:
            if form.instance.pk:
                research.source_remove(source_id=form.instance.pk, actor=request.user)
                self.deleted_objects.append(form.instance)
        saved = []
        for form in self.extra_forms:
            if form.has_changed() and form not in self.deleted_forms:
                data = form.cleaned_data
                saved.append(
                    research.source_add(
                        claim_id=self.instance.pk,
                        actor=request.user,
                        url=data["url"],
                        title=data.get("title", ""),
                        publisher=data.get("publisher", ""),
                        accessed_at=data.get("accessed_at"),
                        excerpt=data.get("excerpt", ""),
                        stance=data.get("stance") or "context",
                    )
                )
        self.new_objects: list[Any] = saved
        return saved


class SourceInline(admin.StackedInline):
    model = Source
    formset = SourceFormSet
    extra = 0
    fields = ("url", "title", "publisher", "accessed_at", "stance", "excerpt", "added_by")
    readonly_fields = ("added_by",)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request  # type: ignore[attr-defined]
        return formset

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(obj is not None and can(request.user, Action.RESEARCH))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(obj is not None and can(request.user, Action.RESEARCH))


class CommentFormSet(BaseInlineFormSet):
    def save(self, commit: bool = True) -> list[Any]:
        request: HttpRequest = self.request  # type: ignore[attr-defined]
        self.new_objects: list[Any] = [
            research.comment_add(
                claim_id=self.instance.pk, actor=request.user, body=form.cleaned_data["body"]
            )
            for form in self.extra_forms
            if form.has_changed()
        ]
        self.changed_objects: list[Any] = []
        self.deleted_objects: list[Any] = []
        return self.new_objects


class CommentInline(admin.TabularInline):
    model = Comment
    formset = CommentFormSet
    extra = 0
    fields = ("created_at", "author", "body")
    readonly_fields = ("created_at", "author")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request  # type: ignore[attr-defined]
        return formset

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(obj is not None and can(request.user, Action.COMMENT))


# Corrections through the same service as the dashboard and the API (editors, or the assigned
# fact-checker; audited and versioned); every other field of a claim is read-only here.
CLAIM_CORRECTIONS = ("kind", "claimant", "claimant_type", "claim_reviewed", "review_url")


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = (
        "short_text",
        "article",
        "kind",
        "score",
        "status",
        "rating",
        "assignee",
        "updated_at",
    )
    list_filter = ("status", "rating", "kind", "assignee", "article")
    search_fields = ("text", "claimant", "article__title")
    list_select_related = ("article", "rating", "assignee")
    ordering = ("-score",)
    inlines = [SourceInline, CommentInline, EventInline]
    actions = [s.key for s in STEPS if s.admin]
    readonly_fields = tuple(
        f.name
        for f in Claim._meta.get_fields()
        if (f.concrete or f.many_to_many)
        and not f.auto_created
        and f.name not in (*CLAIM_CORRECTIONS, "embedding")
    )

    @admin.display(description="Claim")
    def short_text(self, obj: Claim) -> str:
        return str(obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # claims come from articles

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record of a claim is never thrown away

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        """Only corrections are saved, through editing.claim_edit; sources and comments save
        through their services."""
        # A field the post left out is left as it is (a source added alone changes no field).
        changed = {n: form.cleaned_data[n] for n in form.changed_data if n in request.POST}
        if changed:
            editing.claim_edit(claim_id=obj.pk, actor=request.user, **changed)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        for name in CLAIM_CORRECTIONS:
            if name in form.base_fields:
                form.base_fields[name].required = False
        return form

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:  # no many-to-many field is editable: only the inlines
            self.save_formset(request, form, formset, change=change)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        """A source or comment the services refuse (a closed claim, a bad address, another
        person's claim) comes back as a message on the page, never a 500; nothing is saved."""
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except errors.DeskError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())


def _step_action(workflow_step: Step) -> Callable[..., None]:
    """An admin bulk action for a step of claims.workflow that needs no input."""
    call = ADMIN_CALLS[workflow_step.name]

    def run(self: ClaimAdmin, request: HttpRequest, queryset: QuerySet[Claim]) -> None:
        _run_for_each(request, queryset, workflow_step.label, lambda c: call(c.pk, request.user))

    run.__name__ = workflow_step.key
    return admin.action(description=f"{workflow_step.label}: the selected claims")(run)


ADMIN_CALLS: dict[str, Callable[[int, Any], Any]] = {
    "dismiss": lambda pk, user: workflow.claim_dismiss(claim_id=pk, actor=user),
    "start-checking": lambda pk, user: workflow.claim_start_checking(claim_id=pk, actor=user),
    "submit": lambda pk, user: workflow.claim_submit(claim_id=pk, actor=user),
    "publish": lambda pk, user: workflow.claim_publish(claim_id=pk, actor=user),
    "restore": lambda pk, user: editing.claim_restore(claim_id=pk, actor=user),
}
assert set(ADMIN_CALLS) == {s.name for s in STEPS if s.admin}, "one admin action per step"
for _step in STEPS:
    if _step.admin:
        setattr(ClaimAdmin, _step.key, _step_action(_step))


class ClaimInline(ReadOnlyInline):
    model = Claim
    fields = ("text", "kind", "score", "status", "rating", "assignee")
    readonly_fields = fields
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("__str__", "outlet", "extraction_status", "claim_count", "created_at")
    search_fields = ("title", "outlet", "author", "url")
    readonly_fields = (
        "body",
        "raw",
        "content_type",
        "content_hash",
        "idempotency_key",
        "request_hash",
        "external_id",
        "extraction_status",
        "extraction_error",
        "extraction_started_at",
        "extraction_finished_at",
        "extractor_version",
        "loaded_by",
        "created_at",
        "updated_at",
    )
    inlines = [ClaimInline]
    actions = ["reextract", "archive", "unarchive", "delete_articles"]
    list_filter = ("extraction_status", ("archived_at", admin.EmptyFieldListFilter), "outlet")

    @admin.display(description="Claims")
    def claim_count(self, obj: Article) -> int:
        return obj.claims.count()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # articles are loaded through the services (dashboard, API, load_articles)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.MANAGE_ARTICLES)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # claims and their history hang off the article

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        article_service.article_edit(
            article_id=obj.pk,
            actor=request.user,
            values={name: form.cleaned_data[name] for name in form.changed_data},
        )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except errors.DeskError as exc:  # the service refused: nothing was saved
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())

    def _each(self, request: HttpRequest, queryset: QuerySet[Article], service: Any) -> int:
        done = 0
        for article in queryset:
            try:
                service(article_id=article.pk, actor=request.user)
            except errors.DeskError as exc:
                messages.error(request, f"Article {article.pk}: {exc.message}")
            else:
                done += 1
        return done

    @admin.action(description="Extract claims again (keeps claims people have worked on)")
    def reextract(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self._each(request, queryset, article_service.article_reextract)

    @admin.action(description="Archive (out of the queues, kept whole)")
    def archive(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        done = self._each(request, queryset, article_service.article_archive)
        if done:
            messages.success(request, f"Archived {done} article(s).")

    @admin.action(description="Unarchive")
    def unarchive(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        done = self._each(request, queryset, article_service.article_unarchive)
        if done:
            messages.success(request, f"Unarchived {done} article(s).")

    @admin.action(description="Delete for good (refused while a claim is worked on)")
    def delete_articles(self, request: HttpRequest, queryset: QuerySet[Article]) -> Any:
        """Through article_delete, after a page that asks (Django's own delete is off)."""
        if request.POST.get("confirmed") != "1":
            return TemplateResponse(
                request,
                "admin/claims/article/delete_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Delete these articles?",
                    "articles": [
                        (a, article_service.delete_blockers(a)) for a in queryset.order_by("pk")
                    ],
                    "opts": self.model._meta,
                },
            )
        done = self._each(request, queryset, article_service.article_delete)
        if done:
            messages.success(request, f"Deleted {done} article(s) and their claims.")
        return None


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    """The verdict scale. Changes go through `research.rating_save` (editors only, audited,
    refused where they would let a claim in review publish without a source)."""

    list_display = ("label", "swatch", "order", "rating_value", "is_unverifiable")
    prepopulated_fields = {"slug": ("label",)}

    @admin.display(description="Colour")
    def swatch(self, obj: Rating) -> str:
        return format_html('<span class="swatch">{}</span>', obj.colour)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.MANAGE_SCALE)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.MANAGE_SCALE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # verdicts keep their rating; a rating no longer used can be renamed

    def save_model(self, request: HttpRequest, obj: Rating, form: Any, change: bool) -> None:
        saved = research.rating_save(
            rating_id=obj.pk if change else None,
            actor=request.user,
            values={name: form.cleaned_data[name] for name in form.changed_data or form.fields},
        )
        obj.pk = saved.pk

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except errors.DeskError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services: readable here, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Source)
class SourceAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "claim", "stance", "added_by", "created_at")
    list_filter = ("stance",)
    search_fields = ("url", "title", "publisher", "excerpt")


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "claim", "author", "created_at")
    search_fields = ("body",)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "claim", "article")
    list_filter = ("action",)
    search_fields = ("action", "claim__text", "article__title")
    list_select_related = ("actor", "claim", "article")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created here (shown once) and revoked; never edited."""

    list_display = (
        "name",
        "scope",
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("scope",)
    search_fields = ("name", "prefix")
    fields = ("name", "scope")
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("name", "scope") if obj is None else ("name", "scope", *self.readonly_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else ("name", "scope", *self.readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.MANAGE_INTEGRATIONS)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.MANAGE_INTEGRATIONS) and obj is None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.MANAGE_INTEGRATIONS)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.MANAGE_INTEGRATIONS)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        token, raw = integrations.api_token_create(
            name=form.cleaned_data["name"], scope=form.cleaned_data["scope"], actor=request.user
        )
        obj.pk = token.pk
        # Shown once, in the response to this request only: never in the messages cookie.
        request._new_api_token = raw  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiToken, post_url_continue: Any = None
    ) -> Any:
        raw = getattr(request, "_new_api_token", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": f"API token for {obj.name}",
            "token": obj,
            "raw": raw,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "admin/claims/apitoken/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            integrations.api_token_revoke(token_id=token.pk, actor=request.user)
        messages.success(request, f"Revoked {queryset.count()} token(s).")


class DeliveryInline(ReadOnlyInline):
    model = WebhookDelivery
    fields = ("created_at", "event", "status", "attempts", "last_status_code", "last_error")
    readonly_fields = fields
    show_change_link = True


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(ReadOnlyAdmin):
    exclude = ("secret",)  # shown once, to whoever subscribed; never readable afterwards
    list_display = ("url", "events", "is_active", "created_by", "created_at")
    list_filter = ("is_active",)
    inlines = [DeliveryInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.MANAGE_INTEGRATIONS)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.MANAGE_INTEGRATIONS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    """The delivery log, with a manual redeliver."""

    list_display = ("created_at", "event", "subscription", "status", "attempts", "last_status_code")
    list_filter = ("status", "event")
    search_fields = ("subscription__url",)
    actions = ["redeliver"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.MANAGE_INTEGRATIONS)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.MANAGE_INTEGRATIONS)

    @admin.action(description="Deliver the selected events again")
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            integrations.webhook_redeliver(delivery_id=delivery.pk, actor=request.user)
        messages.success(request, f"Queued {queryset.count()} delivery(ies) again.")


@admin.register(FactCheck)
class FactCheckAdmin(admin.ModelAdmin):
    """The imported archive: editors may set the desk rating of a label the import could not
    map; everything else is as the archive said (re-import to change it)."""

    list_display = ("text", "collection", "rating_label", "rating", "published_on")
    list_filter = ("collection", "rating")
    search_fields = ("text", "title", "claimant", "external_id")
    fields = (
        "collection",
        "external_id",
        "text",
        "title",
        "claimant",
        "claim_date",
        "published_on",
        "rating_label",
        "rating",
        "url",
    )
    readonly_fields = tuple(f for f in fields if f != "rating")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.IMPORT_ARCHIVE)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: FactCheck, form: Any, change: bool) -> None:
        archive_service.factcheck_set_rating(
            factcheck_id=obj.pk, rating=form.cleaned_data["rating"], actor=request.user
        )


@admin.register(ClaimMatch)
class ClaimMatchAdmin(ReadOnlyAdmin):
    """Repeats found by claim memory; editors decide them on the claim page."""

    list_display = ("claim", "status", "score", "cosine", "decided_by", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("claim", "target_claim", "target_factcheck")


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    """Logins, failed and refused logins, logouts and API token use."""

    list_display = ("created_at", "kind", "username", "ip", "path")
    list_filter = ("kind",)
    search_fields = ("username", "ip")
    date_hierarchy = "created_at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.MANAGE_INTEGRATIONS)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.MANAGE_INTEGRATIONS)
