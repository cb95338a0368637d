"""Evaluate the extractor: check-worthiness on labelled sentences and recall on seed claims."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction import desk_labels, evaluation, extract_claims, pipeline, scoring
from claims.extraction.segment import sentence_spans

LABELLED = Path(__file__).resolve().parents[3] / "tests" / "extraction" / "labelled"


class Command(BaseCommand):
    help = (
        "Score a labelled JSON Lines set (claimbuster_cfs: P/R/F1 at the shipped threshold; "
        "checkthat_factchecked: MAP and P@10 per document) and/or seed claims in articles."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dataset", type=Path, help="JSON Lines: id, text, checkworthy, label_scheme"
        )
        parser.add_argument(
            "--seed-claims", type=Path, help="seed_claims.json, articles/ beside it"
        )
        parser.add_argument(
            "--desk-labels",
            action="store_true",
            help="score the held-out side of editors' triage decisions",
        )
        parser.add_argument(
            "--compare-model",
            type=Path,
            help="a retrained model folder (train_checkworthiness --output): its figures on the "
            "same held-out decisions are reported as `after`",
        )
        parser.add_argument(
            "--model",
            type=Path,
            help="score --dataset with this model folder instead of the shipped one (such as "
            "a pool-only model from train_checkworthiness --output, for figures on dev)",
        )
        parser.add_argument(
            "--labelled",
            type=Path,
            nargs="?",
            const=LABELLED,
            help="a folder of labelled examples (claimants.jsonl, quantities.jsonl, "
            "sentences.jsonl, kinds.jsonl); without a value, the repository's own in "
            "tests/extraction/labelled. Given with --seed-claims by default.",
        )
        parser.add_argument("--predictions", type=Path, help="write one JSON line per dataset row")
        parser.add_argument("--json", action="store_true", help="one JSON object on the last line")

    def handle(self, *args: Any, **options: Any) -> None:
        if not any(options[k] for k in ("dataset", "seed_claims", "desk_labels", "labelled")):
            raise CommandError(
                "Give --dataset, --seed-claims, --desk-labels, --labelled or several."
            )
        if options["model"] is not None and not (options["model"] / "meta.json").is_file():
            raise CommandError(f"{options['model']}: no model there (meta.json missing).")
        scorer = scoring.load(options["model"]) if options["model"] else scoring.load()
        report: dict[str, Any] = {"model_version": scorer.version}
        if options["desk_labels"]:
            report["desk_held_out"] = self._desk(scorer, options["compare_model"])
        if options["dataset"]:
            try:
                rows = evaluation.read_jsonl(options["dataset"])
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from None
            trained_on = scorer.model.meta.get("datasets") or []
            if options["dataset"].name in trained_on:
                report["warning"] = (
                    f"model {scorer.version} was trained on {options['dataset'].name}: these "
                    "figures are not held-out. Score it with --model and a model trained "
                    "without it (README: The extractor)."
                )
            scores = scorer.score([r["text"] for r in rows])
            if options["predictions"]:
                with open(options["predictions"], "w", encoding="utf-8") as out:
                    for row, score in zip(rows, scores, strict=True):
                        out.write(
                            json.dumps(
                                {
                                    "id": row.get("id"),
                                    "score": round(score, 6),
                                    "checkworthy": score >= scorer.threshold,
                                }
                            )
                            + "\n"
                        )
            by_scheme: dict[str, list[int]] = {}
            for index, row in enumerate(rows):
                by_scheme.setdefault(row.get("label_scheme") or "unlabelled_scheme", []).append(
                    index
                )
            for scheme, indexes in sorted(by_scheme.items()):
                labelled = [i for i in indexes if isinstance(rows[i].get("checkworthy"), bool)]
                if not labelled:
                    continue
                if scheme == "checkthat_factchecked":
                    report[scheme] = evaluation.ranking(
                        [rows[i] for i in labelled], [scores[i] for i in labelled]
                    )
                else:
                    report[scheme] = evaluation.classification(
                        [scores[i] for i in labelled],
                        [rows[i]["checkworthy"] for i in labelled],
                        scorer.threshold,
                    )
        if options["seed_claims"]:
            report["seed_claims"] = evaluation.seed_claims(options["seed_claims"], extract_claims)
            report["claims_per_sentence"] = evaluation.claims_per_sentence(
                options["seed_claims"].parent / "articles",
                extract_claims,
                lambda text: list(sentence_spans(text)),
            )
        labelled_folder: Path | None = options["labelled"] or (
            LABELLED if options["seed_claims"] else None
        )
        if labelled_folder is not None:
            report.update(self._labelled(labelled_folder))
        for key, value in report.items():
            if isinstance(value, dict):
                self.stdout.write(f"{key}:")
                for name, figure in value.items():
                    if name == "misses":
                        for miss in figure:
                            if "article" in miss:
                                where = f"[{miss['article']}] {miss['anchor'][:70]!r}"
                            else:
                                where = repr(miss["text"][:90])
                            self.stdout.write(f"  miss: {where}: {miss['problem']}")
                    else:
                        self.stdout.write(f"  {name}: {figure}")
            else:
                self.stdout.write(f"{key}: {value}")
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))

    def _labelled(self, folder: Path) -> dict[str, Any]:
        """One section per labelled file found in the folder."""
        sections: dict[str, Any] = {}

        def rows(name: str) -> list[dict[str, Any]] | None:
            path = folder / name
            if not path.is_file():
                return None
            try:
                return evaluation.read_jsonl(path)
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from None

        if (found := rows("claimants.jsonl")) is not None:
            sections["claimant_accuracy"] = evaluation.claimants(found, pipeline.attribute)
        if (found := rows("quantities.jsonl")) is not None:
            sections["quantity_accuracy"] = evaluation.quantities(
                found, pipeline.sentence_quantities
            )
        if (found := rows("sentences.jsonl")) is not None:
            sections["sentence_boundaries"] = evaluation.sentence_boundaries(
                found, lambda text: list(sentence_spans(text))
            )
        if (found := rows("kinds.jsonl")) is not None:
            sections["kind_precision"] = evaluation.kind_precision(found, pipeline.sentence_kind)
        if not sections:
            raise CommandError(f"{folder}: no labelled files there.")
        return sections

    def _desk(self, shipped: Any, compare: Path | None) -> dict[str, Any]:
        _, held = desk_labels.split(desk_labels.desk_labels())
        labels = [bool(r["checkworthy"]) for r in held]
        texts = [r["text"] for r in held]
        result: dict[str, Any] = {"rows": len(held), "checkworthy": sum(labels)}
        if not held:
            return result
        result["before"] = {
            "model_version": shipped.version,
            **evaluation.classification(shipped.score(texts), labels, shipped.threshold),
        }
        if compare is not None:
            if not (compare / "meta.json").is_file():
                raise CommandError(f"{compare}: no model there (meta.json missing).")
            retrained = scoring.load(compare)
            result["after"] = {
                "model_version": retrained.version,
                **evaluation.classification(retrained.score(texts), labels, retrained.threshold),
            }
        return result
