"""Editors' triage decisions as labels, a stable held-out slice, and the before/after report."""

import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from claims.extraction import desk_labels, scoring
from claims.services import workflow
from tests.factories import ArticleFactory, ClaimFactory


@pytest.mark.django_db
def test_the_latest_triage_decision_by_a_person_is_the_label(editor: Any, checker: Any) -> None:
    kept = ClaimFactory()
    dismissed = ClaimFactory()
    changed = ClaimFactory()
    untouched = ClaimFactory()
    workflow.claim_start_checking(claim_id=kept.pk, actor=editor, assignee=checker)
    workflow.claim_dismiss(claim_id=dismissed.pk, actor=editor, reason="opinion")
    workflow.claim_dismiss(claim_id=changed.pk, actor=editor, reason="dup")
    from claims.models import Claim, Event

    # A later decision on the same claim wins (here written as the event a restore would make).
    Event.objects.create(
        claim=changed, article=changed.article, actor=editor, action="claim.checking"
    )
    rows = {r["id"]: r for r in desk_labels.desk_labels()}
    assert rows[f"desk-{kept.pk}"]["checkworthy"] is True
    assert rows[f"desk-{dismissed.pk}"]["checkworthy"] is False
    assert rows[f"desk-{changed.pk}"]["checkworthy"] is True
    assert f"desk-{untouched.pk}" not in rows
    assert rows[f"desk-{kept.pk}"]["text"] == Claim.objects.get(pk=kept.pk).text


def test_held_out_side_is_by_article_and_stable() -> None:
    rows = [
        {
            "id": f"desk-{i}",
            "text": "x",
            "checkworthy": i % 2 == 0,
            "context_id": f"article-{i // 3}",
        }
        for i in range(600)
    ]
    train, held = desk_labels.split(rows)
    assert len(train) + len(held) == 600
    assert 0.1 < len(held) / 600 < 0.3
    assert not {r["context_id"] for r in train} & {r["context_id"] for r in held}
    assert desk_labels.split(rows) == (train, held)


@pytest.mark.django_db
def test_evaluate_reports_before_and_after_on_the_held_out_decisions(
    editor: Any, checker: Any, capsys: Any
) -> None:
    for n in range(40):
        article = ArticleFactory()
        claim = ClaimFactory(article=article)
        if n % 2:
            workflow.claim_start_checking(claim_id=claim.pk, actor=editor, assignee=checker)
        else:
            workflow.claim_dismiss(claim_id=claim.pk, actor=editor, reason="not worth it")
    _, held = desk_labels.split(desk_labels.desk_labels())
    assert held, "40 articles should put some on the held-out side"
    call_command(
        "evaluate_extractor", "--desk-labels", "--compare-model", str(scoring.MODEL_DIR), "--json"
    )
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["desk_held_out"]
    assert report["rows"] == len(held)
    assert {"precision", "recall", "f1"} <= set(report["before"])
    assert report["after"]["f1"] == report["before"]["f1"]  # the same model, compared with itself
    with pytest.raises(CommandError, match="no model there"):
        call_command("evaluate_extractor", "--desk-labels", "--compare-model", "/nonexistent")


@pytest.mark.django_db
def test_training_on_desk_labels_needs_decisions_first() -> None:
    with pytest.raises(CommandError, match="no triage decisions"):
        call_command("train_checkworthiness", "--desk-labels", "--output", "/tmp/unused-model")
