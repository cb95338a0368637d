"""Retrain the check-worthiness model (needs the `train` extra: pip install -e '.[train]')."""

import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction import desk_labels, scoring
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
        parser.add_argument("--epochs", type=int, default=2)
        parser.add_argument("--seed", type=int, default=13)
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
        try:
            meta = train(
                datasets,
                options["output"],
                TrainingConfig(epochs=options["epochs"], seed=options["seed"]),
                schemes=None if options["all_schemes"] else set(SHIPPED_SCHEMES),
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
