"""Measuring the extractor: check-worthiness on labelled sentences, and recall of the claims a
desk must find in real articles (the format of shared/samples/seed_claims.json)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from claims.extraction.types import ExtractedClaim, Quantity


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                row = json.loads(line)
                if not isinstance(row.get("text"), str):
                    raise ValueError(f"{path}:{number}: a row needs a 'text'")
                rows.append(row)
    return rows


def classification(scores: list[float], labels: list[bool], threshold: float) -> dict[str, Any]:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and y)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and not y)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if s < threshold and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "rows": len(labels),
        "positives": sum(labels),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "threshold": threshold,
    }


def ranking(rows: list[dict[str, Any]], scores: list[float]) -> dict[str, Any]:
    """Mean average precision and precision at 10 over documents (context_id)."""
    documents: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for row, score in zip(rows, scores, strict=True):
        documents[str(row.get("context_id") or "(none)")].append((score, bool(row["checkworthy"])))
    average_precisions, precisions_at_10 = [], []
    for items in documents.values():
        ranked = sorted(items, key=lambda item: -item[0])
        if not any(label for _, label in ranked):
            continue
        hits, precision_sum = 0, 0.0
        for rank, (_, label) in enumerate(ranked, 1):
            if label:
                hits += 1
                precision_sum += hits / rank
        average_precisions.append(precision_sum / hits)
        precisions_at_10.append(sum(label for _, label in ranked[:10]) / 10)
    count = len(average_precisions)
    return {
        "documents": count,
        "map": round(sum(average_precisions) / count, 4) if count else None,
        "p_at_10": round(sum(precisions_at_10) / count, 4) if count else None,
    }


def seed_claims(seed_file: Path, extract: Callable[[str], list[ExtractedClaim]]) -> dict[str, Any]:
    """Must-find recall (with kind, quantity and claimant accuracy), must-not-find hits."""
    seeds = json.loads(seed_file.read_text(encoding="utf-8"))
    folder = seed_file.parent / "articles"
    found = total = kinds = kind_total = quantities = quantity_total = 0
    claimants = claimant_total = forbidden = 0
    misses: list[dict[str, Any]] = []
    for name, spec in seeds["articles"].items():
        text = (folder / name).read_text(encoding="utf-8")
        claims = extract(text)
        for item in spec.get("must_find", []):
            total += 1
            at = text.find(item["anchor"])
            claim = next((c for c in claims if at >= 0 and c.start <= at < c.end), None)
            if claim is None:
                misses.append({"article": name, "anchor": item["anchor"], "problem": "not found"})
                continue
            found += 1
            if "kind" in item:
                kind_total += 1
                if claim.kind == item["kind"]:
                    kinds += 1
                else:
                    misses.append(
                        {
                            "article": name,
                            "anchor": item["anchor"],
                            "problem": f"kind {claim.kind}, expected {item['kind']}",
                        }
                    )
            if "quantity" in item:
                quantity_total += 1
                want = item["quantity"]
                ok = any(
                    q.value == want["value"]
                    and q.unit == want["unit"]
                    and ("bound" not in want or (q.bound or None) == want["bound"])
                    for q in claim.quantities
                )
                quantities += ok
                if not ok:
                    got = [q.as_dict() for q in claim.quantities]
                    misses.append(
                        {
                            "article": name,
                            "anchor": item["anchor"],
                            "problem": f"quantity {got}, expected {want}",
                        }
                    )
            if "claimant" in item:
                claimant_total += 1
                if claim.claimant == item["claimant"]:
                    claimants += 1
                else:
                    misses.append(
                        {
                            "article": name,
                            "anchor": item["anchor"],
                            "problem": f"claimant {claim.claimant!r}, "
                            f"expected {item['claimant']!r}",
                        }
                    )
        for anchor in spec.get("must_not_find", []):
            at = text.find(anchor)
            hit = next((c for c in claims if at >= 0 and c.start <= at < c.end), None)
            if hit is not None:
                forbidden += 1
                misses.append({"article": name, "anchor": anchor, "problem": "made a claim of it"})
    return {
        "must_find": total,
        "must_find_recall": round(found / total, 4) if total else None,
        "kind_accuracy": round(kinds / kind_total, 4) if kind_total else None,
        "quantity_accuracy": round(quantities / quantity_total, 4) if quantity_total else None,
        "claimant_accuracy": round(claimants / claimant_total, 4) if claimant_total else None,
        "must_not_find_hits": forbidden,
        "misses": misses,
    }


# --- labelled examples (tests/extraction/labelled/*.jsonl): one section each ------------------


def claimants(
    rows: list[dict[str, Any]], attribute: Callable[[str], list[tuple[int, int, str, str]]]
) -> dict[str, Any]:
    """Claimant and claimant type of the last sentence of each text (the sentences before it
    are context), against the label; an empty label means "no claimant"."""
    right = typed = 0
    misses: list[dict[str, Any]] = []
    for row in rows:
        found = attribute(row["text"])
        claimant, kind = (found[-1][2], found[-1][3]) if found else ("", "")
        if claimant == row["claimant"]:
            right += 1
            typed += kind == row["claimant_type"]
            if kind == row["claimant_type"]:
                continue
        misses.append(
            {
                "text": row["text"],
                "problem": f"claimant {claimant!r} ({kind or '-'}), expected "
                f"{row['claimant']!r} ({row['claimant_type'] or '-'})",
                "claimant": claimant,
                "expected": row["claimant"],
            }
        )
    total = len(rows)
    return {
        "examples": total,
        "claimant_accuracy": round(right / total, 4) if total else None,
        "claimant_and_type_accuracy": round(typed / total, 4) if total else None,
        "misses": misses,
    }


def quantities(
    rows: list[dict[str, Any]], read: Callable[[str], tuple[Quantity, ...]]
) -> dict[str, Any]:
    """Each labelled quantity is fully right (value, unit and bound), given with another
    unit only (the right value and bound: "homes" for "affordable homes"), given a wrong value
    (a quantity of the same unit with another value or bound), or missing; a quantity found
    where none is labelled counts as a wrong value too."""
    labelled = right = wrong = wrong_unit = 0
    misses: list[dict[str, Any]] = []
    for row in rows:
        found = list(read(row["text"]))
        unmatched = list(found)
        for want in row["quantities"]:
            labelled += 1
            hit = next(
                (
                    q
                    for q in unmatched
                    if q.value == want["value"]
                    and q.unit == want["unit"]
                    and (q.bound or None) == want["bound"]
                ),
                None,
            )
            if hit is not None:
                right += 1
                unmatched.remove(hit)
                continue
            same = next(
                (
                    q
                    for q in unmatched
                    if q.value == want["value"]
                    and (q.bound or None) == want["bound"]
                    and _same_head(q.unit, want["unit"])
                ),
                None,
            )
            near = next((q for q in unmatched if q.unit == want["unit"]), None)
            if same is not None:
                wrong_unit += 1
                unmatched.remove(same)
                problem = f"unit {same.unit!r}, expected {want['unit']!r} ({same.text!r})"
            elif near is not None:
                wrong += 1
                unmatched.remove(near)
                problem = f"wrong: {near.as_dict()}, expected {want}"
            else:
                problem = f"missing: expected {want}"
            misses.append({"text": row["text"], "problem": problem})
        for extra in unmatched:
            labelled += 1
            wrong += 1
            misses.append({"text": row["text"], "problem": f"not labelled: {extra.as_dict()}"})
    return {
        "quantities": labelled,
        "fully_right": round(right / labelled, 4) if labelled else None,
        "wrong_value": round(wrong / labelled, 4) if labelled else None,
        "other_unit": round(wrong_unit / labelled, 4) if labelled else None,
        "misses": misses,
    }


def _same_head(got: str, want: str) -> bool:
    """Two units that name the same thing, one more closely ("homes", "affordable homes");
    never two currencies (a wrong currency is a wrong value) or two different things."""
    if re.fullmatch(r"[A-Z]{3}", got) or re.fullmatch(r"[A-Z]{3}", want):
        return False
    return got != want and (want.endswith(" " + got) or got.endswith(" " + want))


def sentence_boundaries(
    rows: list[dict[str, Any]], split: Callable[[str], list[tuple[int, int]]]
) -> dict[str, Any]:
    """Texts whose sentences come out exactly as labelled."""
    right = 0
    misses: list[dict[str, Any]] = []
    for row in rows:
        got = [row["text"][s:e] for s, e in split(row["text"])]
        if got == row["sentences"]:
            right += 1
        else:
            misses.append({"text": row["text"], "problem": f"split as {got}"})
    return {"texts": len(rows), "right": right, "misses": misses}


def kind_precision(rows: list[dict[str, Any]], kind_of: Callable[[str], str]) -> dict[str, Any]:
    """Per kind: of the sentences given that kind, how many are labelled so."""
    given: dict[str, list[bool]] = defaultdict(list)
    misses: list[dict[str, Any]] = []
    for row in rows:
        kind = kind_of(row["text"])
        given[kind].append(kind == row["kind"])
        if kind != row["kind"]:
            misses.append({"text": row["text"], "problem": f"kind {kind}, expected {row['kind']}"})
    return {
        "examples": len(rows),
        "accuracy": round(sum(sum(v) for v in given.values()) / len(rows), 4) if rows else None,
        "precision": {k: f"{sum(v)}/{len(v)}" for k, v in sorted(given.items())},
        "misses": misses,
    }


def claims_per_sentence(
    folder: Path,
    extract: Callable[[str], list[ExtractedClaim]],
    split: Callable[[str], list[tuple[int, int]]],
) -> dict[str, Any]:
    """Share of each article's sentences (as the segmenter splits them) that become claims."""
    per_article: dict[str, str] = {}
    claims = sentences = 0
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        found, count = len(extract(text)), len(split(text))
        claims += found
        sentences += count
        per_article[path.name] = f"{found}/{count} = {found / count:.3f}" if count else "0/0"
    return {
        **per_article,
        "all": f"{claims}/{sentences} = {claims / sentences:.3f}" if sentences else "0/0",
    }
