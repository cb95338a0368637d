"""Cross-validation of a check-worthiness recipe by document (debate): every document's rows
fall in exactly one fold, so a fold's score is on debates its model never saw.

Needs no torch itself: the training and scoring of a fold is a function passed in
(training.fit_and_score for the real recipe)."""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from typing import Any

from claims.extraction import evaluation

FoldTrainer = Callable[[list[dict[str, Any]], list[dict[str, Any]]], list[float]]
FIGURES = ("precision", "recall", "f1", "map")


def document_of(row: dict[str, Any], index: int) -> str:
    """The row's document: its context_id, or the row alone (its id, else its position) when
    the set has no context_id, so a row without one never joins another's document."""
    if row.get("context_id") is not None:
        return f"context:{row['context_id']}"
    if row.get("id") is not None:
        return f"row:{row['id']}"
    return f"position:{index}"


def assign_folds(rows: list[dict[str, Any]], k: int, seed: int = 13) -> list[int]:
    """A fold number (0..k-1) per row, whole documents at a time, folds of similar size:
    documents in a seeded shuffle, largest first, each to the fold with fewest rows so far."""
    if k < 2:
        raise ValueError("Cross-validation needs at least 2 folds.")
    keys = [document_of(row, index) for index, row in enumerate(rows)]
    sizes: dict[str, int] = {}
    for key in keys:
        sizes[key] = sizes.get(key, 0) + 1
    if len(sizes) < k:
        raise ValueError(f"{len(sizes)} documents cannot make {k} folds.")
    documents = sorted(sizes)
    random.Random(seed).shuffle(documents)
    documents.sort(key=lambda key: -sizes[key])  # stable: ties stay in the shuffled order
    fold_rows = [0] * k
    fold_of: dict[str, int] = {}
    for key in documents:
        fold = min(range(k), key=lambda f: (fold_rows[f], f))
        fold_of[key] = fold
        fold_rows[fold] += sizes[key]
    return [fold_of[key] for key in keys]


def cross_validate(
    rows: list[dict[str, Any]],
    k: int,
    fit_and_score: FoldTrainer,
    *,
    seed: int = 13,
    threshold: float = 0.5,
    train_rows: int | None = None,
    log: Callable[[str], Any] = print,
) -> dict[str, Any]:
    """Train k models, each without one fold, and score that fold's rows. Figures are per
    label scheme, never pooled across schemes: precision, recall and F1 of the check-worthy
    class at `threshold` and the mean average precision over the fold's debates (which needs
    no threshold) per fold, then their mean and standard deviation over the folds.
    `train_rows` trains each fold on a seeded sample of that many of its training rows."""
    folds = assign_folds(rows, k, seed)
    per_fold: list[dict[str, Any]] = []
    for fold in range(k):
        test = [row for row, f in zip(rows, folds, strict=True) if f == fold]
        train = [row for row, f in zip(rows, folds, strict=True) if f != fold]
        if train_rows is not None and train_rows < len(train):
            train = random.Random(seed + fold).sample(train, train_rows)
        documents = sorted({document_of(row, i) for i, row in enumerate(test)})
        log(f"fold {fold + 1}/{k}: training on {len(train)} rows, testing {len(test)} rows")
        scores = fit_and_score(train, test)
        if len(scores) != len(test):
            raise ValueError(f"fold {fold + 1}: {len(scores)} scores for {len(test)} rows")
        result: dict[str, Any] = {
            "fold": fold + 1,
            "documents": len(documents),
            "train_rows": len(train),
        }
        for scheme, indexes in _by_scheme(test).items():
            fold_scores = [scores[i] for i in indexes]
            result[scheme] = evaluation.classification(
                fold_scores, [test[i]["checkworthy"] for i in indexes], threshold
            )
            # threshold-free: the mean over the fold's debates of the average precision of
            # its ranking (None when no debate has a check-worthy row)
            result[scheme]["map"] = evaluation.ranking([test[i] for i in indexes], fold_scores)[
                "map"
            ]
        per_fold.append(result)
        log(_fold_line(result))
    schemes = sorted(
        {key for result in per_fold for key, v in result.items() if isinstance(v, dict)}
    )
    summary: dict[str, Any] = {}
    for scheme in schemes:
        present = [result[scheme] for result in per_fold if scheme in result]
        summary[scheme] = {figure: _spread([p.get(figure) for p in present]) for figure in FIGURES}
        summary[scheme]["folds"] = len(present)
    return {"k": k, "threshold": threshold, "folds": per_fold, "summary": summary}


def _spread(values: list[float | None]) -> dict[str, float | None]:
    """Mean and standard deviation over the folds that have the figure."""
    present = [v for v in values if v is not None]
    if not present:
        return {"mean": None, "std": None}
    return {
        "mean": round(statistics.fmean(present), 4),
        "std": round(statistics.stdev(present), 4) if len(present) > 1 else 0.0,
    }


def _by_scheme(rows: list[dict[str, Any]]) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault(row.get("label_scheme") or "unlabelled_scheme", []).append(index)
    return groups


def _fold_line(result: dict[str, Any]) -> str:
    parts = [f"fold {result['fold']} ({result['documents']} documents)"]
    for scheme, figures in result.items():
        if isinstance(figures, dict):
            average = "-" if figures["map"] is None else f"{figures['map']:.4f}"
            parts.append(
                f"{scheme}: P {figures['precision']:.4f} R {figures['recall']:.4f} "
                f"F1 {figures['f1']:.4f} MAP {average} ({figures['rows']} rows)"
            )
    return "; ".join(parts)
