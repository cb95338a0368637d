"""Claim memory: recognise a claim the desk (or its archive) has already checked.

- text.py       words, numbers and negations of a claim (what the rules compare)
- embedding.py  sentence embeddings from the shipped ONNX model (meaning, not words)
- index.py      the in-process search index: BM25 over words + cosine over embeddings
- rules.py      THE decision rule: link, suggest or nothing, and the guards that forbid links
- store.py      keeps each process's index in step with the database; match_text/match_claim
- archive.py    reads an archive of earlier fact-checks (ClaimReview, JSON Lines, CSV)
- benchmark.py  the figures and query mutations of `bench_matching`
- export.py     rebuilds the shipped embedding model (needs the `train` extra)

The audited actions (link, confirm, reject, apply an earlier verdict, import) are in
claims/services/ (memory, archive), like every other write with a rule.
"""
