"""Retrain the check-worthiness model (needs the `train` extra: pip install -e '.[train]')."""

import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction import crossval, desk_labels, scoring, training
from claims.extraction.training import SHIPPED_SCHEMES, TrainingConfig


class Command(BaseCommand):
    help = (
        "Fine-tune the check-worthiness classifier on labelled JSON Lines (text, checkworthy) "
        "and write the ONNX int8 model; the shipped weights use claimbuster_cfs rows only."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", type=Path, action="append", default=[], help="repeatable")
        parser.add_argument(
            "--desk-labels",
            action="store_true",
            help="also train on editors' triage decisions (their training side; the held-out "
            "side is for evaluate_extractor --desk-labels)",
        )
        parser.add_argument("--output", type=Path, default=scoring.MODEL_DIR)
        parser.add_argument("--json", action="store_true", help="with --cross-validate: JSON last")
        parser.add_argument("--epochs", type=int, default=2)
        parser.add_argument("--seed", type=int, default=13)
        parser.add_argument(
            "--cross-validate",
            type=int,
            metavar="K",
            help="instead of training the model: K folds by document (context_id), each "
            "trained without one fold and scored on it; prints per-fold and mean +- std "
            "precision, recall and F1 of the check-worthy class and the mean average precision "
            "per debate, per label scheme",
        )
        parser.add_argument(
            "--train-rows",
            type=int,
            metavar="N",
            help="with --cross-validate: train each fold on a seeded sample of N rows",
        )
        parser.add_argument(
            "--preceding-sentence",
            action="store_true",
            help="with --cross-validate: the recipe variant that reads the sentence before "
            "(same context_id, previous line) as a second segment; not for shipped weights, "
            "since extraction scores sentences alone",
        )
        parser.add_argument(
            "--three-classes",
            action="store_true",
            help="with --cross-validate: the recipe variant trained on ClaimBuster's three "
            "classes (non-factual, unimportant factual, check-worthy), scored by the "
            "check-worthy class's probability; not for shipped weights, whose serving reads "
            "two classes",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=TrainingConfig.threads,
            help="torch threads (default %(default)s)",
        )
        parser.add_argument(
            "--all-schemes",
            action="store_true",
            help="also train on rows of other label schemes (never for weights you ship)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            from claims.extraction.training import train
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise CommandError(f"Training needs the train extra: {exc}") from None
        for path in options["dataset"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file.")
        datasets = list(options["dataset"])
        if options["desk_labels"]:
            training_side, _ = desk_labels.split(desk_labels.desk_labels())
            if not training_side:
                raise CommandError("The desk has no triage decisions to learn from yet.")
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - removed below
                "w", suffix=".jsonl", delete=False, encoding="utf-8"
            )
            with handle:
                for row in training_side:
                    handle.write(json.dumps(row) + "\n")
            datasets.append(Path(handle.name))
            self.stdout.write(f"desk labels: {len(training_side)} rows on the training side")
        if not datasets:
            raise CommandError("Give --dataset PATH, --desk-labels, or both.")
        if options["preceding_sentence"] and options["cross_validate"] is None:
            raise CommandError(
                "--preceding-sentence is for --cross-validate only: extraction scores each "
                "sentence alone, so weights trained with the sentence before would not be served "
                "as trained."
            )
        if options["three_classes"] and options["cross_validate"] is None:
            raise CommandError(
                "--three-classes is for --cross-validate only: serving reads a two-class "
                "model, so three-class weights would not be served as trained."
            )
        if options["threads"] < 1:
            raise CommandError("--threads must be at least 1.")
        config = TrainingConfig(
            epochs=options["epochs"],
            seed=options["seed"],
            preceding_sentence=options["preceding_sentence"],
            three_classes=options["three_classes"],
            threads=options["threads"],
        )
        schemes = None if options["all_schemes"] else set(SHIPPED_SCHEMES)
        if options["cross_validate"] is not None:
            try:
                self._cross_validate(datasets, config, schemes, options)
            finally:
                for path in datasets[len(options["dataset"]) :]:
                    path.unlink(missing_ok=True)
            return
        try:
            meta = train(
                datasets,
                options["output"],
                config,
                schemes=schemes,
                log=self.stdout.write,
            )
        except (ImportError, ModuleNotFoundError) as exc:
            raise CommandError(
                f"Training needs torch and transformers: pip install -e '.[train]' ({exc})"
            ) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        finally:
            for path in datasets[len(options["dataset"]) :]:
                path.unlink(missing_ok=True)
        scoring.load.cache_clear()
        self.stdout.write(
            f"wrote {options['output']} ({meta['version']}, threshold {meta['threshold']})"
        )

    def _cross_validate(
        self,
        datasets: list[Path],
        config: TrainingConfig,
        schemes: set[str] | None,
        options: dict[str, Any],
    ) -> None:
        if options["train_rows"] is not None and options["train_rows"] < 1:
            raise CommandError("--train-rows must be at least 1.")
        try:
            rows = training.read_rows(datasets, schemes)
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        try:
            for row in rows:  # a row the recipe cannot label fails here, not folds later
                training.label_of(row, config)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if config.preceding_sentence:
            # before the folds and the --train-rows sample: both stay those of the plain recipe
            rows = training.with_preceding_sentence(rows)

        def one_fold(train: list[dict[str, Any]], test: list[dict[str, Any]]) -> list[float]:
            return training.fit_and_score(train, test, config, log=self.stdout.write)

        try:
            report = crossval.cross_validate(
                rows,
                options["cross_validate"],
                one_fold,
                seed=config.seed,
                train_rows=options["train_rows"],
                log=self.stdout.write,
            )
        except (ImportError, ModuleNotFoundError) as exc:
            raise CommandError(
                f"Training needs torch and transformers: pip install -e '.[train]' ({exc})"
            ) from None
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        for scheme, figures in report["summary"].items():
            self.stdout.write(
                f"{scheme} over {figures['folds']} folds: "
                + ", ".join(
                    f"{name} {figures[name]['mean']:.4f} +- {figures[name]['std']:.4f}"
                    for name in crossval.FIGURES
                    if figures[name]["mean"] is not None
                )
            )
        if options["json"]:
            self.stdout.write(json.dumps(report))
