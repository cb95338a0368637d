"""Words per second of the whole extractor against the bare spaCy pass over the same text."""

import json
import os
import resource
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.extraction import extract_claims, pipeline, scoring

CPU_FEATURES = ("avx2", "avx512f", "avx512_vnni", "avx_vnni")


def cpu_features(cpuinfo: Path = Path("/proc/cpuinfo")) -> dict[str, bool]:
    """The CPU features the int8 scoring model's speed depends on (VNNI about doubles it)."""
    try:
        flags = set(cpuinfo.read_text(encoding="utf-8", errors="replace").split())
    except OSError:
        flags = set()
    return {name: name in flags for name in CPU_FEATURES}


DEFAULT_ARTICLES = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "articles"


class Command(BaseCommand):
    help = "Benchmark the extractor on the sample articles (repeated to --words words)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
        parser.add_argument("--words", type=int, default=200_000)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        paths = sorted(options["articles"].glob("*.txt"))
        if not paths:
            raise CommandError(f"No .txt articles in {options['articles']}.")
        texts = [p.read_text(encoding="utf-8") for p in paths]
        corpus: list[str] = []
        words = 0
        while words < options["words"]:
            for text in texts:
                corpus.append(text)
                words += len(text.split())
        scoring.load()
        pipeline.nlp()
        extract_claims(texts[0])  # warm up

        # The two passes alternate article by article, so that both see the same load from
        # whatever else runs on the machine (the ratio is then fair even when it is busy).
        nlp = pipeline.nlp()
        timings: dict[str, float] = {}
        claims = 0
        total = bare = 0.0
        for text in corpus:
            started = time.perf_counter()
            claims += len(extract_claims(text, timings))
            total += time.perf_counter() - started
            started = time.perf_counter()
            # The same pieces of text the extractor gives spaCy, read by spaCy alone.
            pieces = (text[s:e] for s, e in pipeline.ner_chunks(pipeline.claim_sentences(text)))
            for _ in nlp.pipe(pieces):
                pass
            bare += time.perf_counter() - started

        # What a worker holds besides: the embedding model that matching runs after extraction.
        from claims.matching import embedding

        embedding.load().embed([text for text in corpus[0].split("\n") if text.strip()])

        # The model scores in its own thread while spaCy runs: "overlapped" is the wall time
        # of the two together, and the rest is everything outside it.
        rest = total - timings.get("overlapped", 0.0)
        figures = {
            "words": words,
            "claims": claims,
            "extractor_words_per_second": round(words / total),
            "bare_spacy_words_per_second": round(words / bare),
            "extractor_to_bare_ratio": round((words / total) / (words / bare), 3),
            "seconds_total": round(total, 2),
            "seconds_nlp": round(timings.get("nlp", 0.0), 2),
            "seconds_model": round(timings.get("model", 0.0), 2),
            "seconds_nlp_and_model_overlapped": round(timings.get("overlapped", 0.0), 2),
            "seconds_rest": round(rest, 2),
            "rest_to_nlp_ratio": round(rest / timings["nlp"], 3) if timings.get("nlp") else None,
            # Peak resident memory of this process with both shipped models loaded and used
            # (the scoring model and the sentence embedder, as in a worker).
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "model_version": scoring.load().version,
            "cpu_features": " ".join(
                f"{name}={'yes' if present else 'no'}" for name, present in cpu_features().items()
            ),
            "cpu_count": os.cpu_count(),
        }
        for key, value in figures.items():
            self.stdout.write(f"{key:32} {value}")
        if options["json"]:
            self.stdout.write(json.dumps(figures))
