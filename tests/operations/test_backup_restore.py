"""Backup, then restore into an empty database: every row comes back exactly."""

from pathlib import Path
from typing import Any

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from claims import backup
from claims.ingest import article_text_from_string
from claims.models import Claim, FactCheck, Rating
from claims.services import articles, integrations, people, research, workflow
from tests.factories import ClaimFactory


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    return {
        label: serializers.serialize(
            "python", backup._model(label).objects.order_by("pk"), use_natural_foreign_keys=True
        )
        for label in backup.MODELS
    }


def _desk(editor: Any, editor2: Any, checker: Any) -> None:
    claim = ClaimFactory()
    workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
    research.source_add(claim_id=claim.pk, actor=checker, url="https://stats.example.org/t")
    research.comment_add(claim_id=claim.pk, actor=checker, body="Checked <b>the table</b> ✓ عربى")
    workflow.claim_set_verdict(
        claim_id=claim.pk,
        actor=checker,
        rating=Rating.objects.get(slug="false"),
        summary="The figure is wrong.",
        claim_reviewed="Repairs cost £48m",
    )
    workflow.claim_submit(claim_id=claim.pk, actor=checker)
    workflow.claim_publish(claim_id=claim.pk, actor=editor2)
    articles.article_load(
        text=article_text_from_string("Second article \u202eright-to-left\u200b and emoji 🧪 here.")
    )
    integrations.api_token_create(name="cms", scope="write", actor=editor)
    people.saved_queue_save(owner=editor, name="Top", query="status=detected")
    FactCheck.objects.create(
        collection="archive",
        external_id="1",
        text="An archived claim.",
        embedding=b"\x00\x01" * 384,
        embedding_version="v",
    )


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_gives_back_every_row(
    editor: Any, editor2: Any, checker: Any, tmp_path: Path
) -> None:
    _desk(editor, editor2, checker)
    before = _snapshot()
    assert all(before[label] for label in ("auth.user", "claims.claim", "claims.event"))
    path = tmp_path / "desk.json.gz"
    call_command("backup", str(path))

    with pytest.raises(CommandError, match="already holds"):
        call_command("restore", str(path))

    call_command("flush", "--noinput")  # an empty, freshly migrated database
    assert Claim.objects.count() == 0 and Rating.objects.exists()  # the default scale
    call_command("restore", str(path))
    after = _snapshot()
    for label in backup.MODELS:
        for old, new in zip(before[label], after[label], strict=True):
            for field in old["fields"]:
                assert new["fields"][field] == old["fields"][field], (label, field)
            assert new == old, label

    # Sequences continue after the restored rows.
    newest = max(c.pk for c in Claim.objects.all())
    assert ClaimFactory().pk > newest


@pytest.mark.django_db
def test_a_damaged_backup_is_refused(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.json.gz"
    damaged.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="not a Factcheck backup"):
        call_command("restore", str(damaged))


@pytest.mark.django_db(transaction=True)  # a backup opens its own snapshot transaction
def test_a_backup_is_readable_by_its_owner_only(editor: Any, tmp_path: Path) -> None:
    path = tmp_path / "desk.json.gz"
    path.write_bytes(b"")
    path.chmod(0o644)  # an earlier file with a wide mode is narrowed too
    call_command("backup", str(path))
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.django_db(transaction=True)
def test_a_backup_can_leave_the_secrets_out(editor: Any, tmp_path: Path, settings: Any) -> None:
    import gzip
    import json

    settings.FACTCHECK_ALLOW_PRIVATE_URLS = True
    _, raw = integrations.api_token_create(name="cms", scope="write", actor=editor)
    assert raw
    integrations.webhook_subscribe(
        url="http://127.0.0.1:9/hook", events=["claim.published"], actor=editor
    )
    path = tmp_path / "desk.json.gz"
    call_command("backup", str(path), "--exclude-secrets")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        text = handle.read()
    document = json.loads(text)
    models = {row["model"] for row in document["rows"]}
    assert "claims.apitoken" not in models and document["secrets"] is False
    users = [r for r in document["rows"] if r["model"] == "auth.user"]
    assert users and all(r["fields"]["password"] == "!" for r in users)
    hooks = [r for r in document["rows"] if r["model"] == "claims.webhooksubscription"]
    assert hooks and all(r["fields"]["secret"] == "" for r in hooks)
    assert editor.password not in text and raw not in text
