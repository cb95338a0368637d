"""Management commands: load_articles, seed_demo and extract_claims."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from claims.models import Article, Claim, ExtractionStatus
from claims.permissions import Role, roles_of
from tests.conftest import SAMPLE_ARTICLES

ROOT = Path(__file__).resolve().parents[2]
GOOD = (
    "The city council said on Tuesday that repairs to the bridge will cost £48 million. "
    "More than 30,000 vehicles cross it every day, according to the transport committee."
)


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    """Run a command; what it queues on commit (extraction) runs as soon as it returns."""

    def _run(*args: str) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command(*args, stdout=out)
        return out.getvalue()

    return _run


def test_load_articles_reports_loaded_duplicate_and_failed(
    db: None, tmp_path: Path, run: Any
) -> None:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "page.html").write_text(
        f"<html><body><script>alert(1)</script><p>{GOOD.replace('£48', '£52')}</p></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "empty.md").write_text("   \n", encoding="utf-8")
    (tmp_path / "same-again.md").write_text(GOOD.upper(), encoding="utf-8")
    (tmp_path / "ignored.jpg").write_bytes(b"\xff\xd8\xff")

    output = run("load_articles", str(tmp_path))

    assert "2 loaded, 1 duplicates, 2 failed" in output
    assert "failed     " + str(tmp_path / "junk.txt") in output
    assert "binary" in output
    assert "empty" in output
    assert "duplicate  " + str(tmp_path / "same-again.md") in output
    assert Article.objects.count() == 2
    html = Article.objects.get(content_type="text/html")
    assert "alert" not in html.body and "<script>" in html.raw


def test_load_articles_rejects_missing_path(db: None, run: Any) -> None:
    with pytest.raises(CommandError, match="no such file"):
        run("load_articles", "/nonexistent/folder")


def test_load_articles_loads_the_samples_then_finds_them_duplicates(db: None, run: Any) -> None:
    first = run("load_articles", str(SAMPLE_ARTICLES))
    assert "3 loaded, 0 duplicates, 0 failed" in first
    claims = Claim.objects.count()
    assert claims > 10
    assert set(Article.objects.values_list("extraction_status", flat=True)) == {
        ExtractionStatus.DONE
    }
    second = run("load_articles", str(SAMPLE_ARTICLES))
    assert "0 loaded, 3 duplicates, 0 failed" in second
    assert (Article.objects.count(), Claim.objects.count()) == (3, claims)


def test_seed_demo_creates_one_login_per_role_and_demo_articles(db: None, run: Any) -> None:
    output = run("seed_demo")
    users = {u.username: u for u in get_user_model().objects.all()}
    assert roles_of(users["editor"]) == {Role.EDITOR}
    assert roles_of(users["checker"]) == {Role.FACT_CHECKER}
    assert roles_of(users["viewer"]) == {Role.VIEWER}
    line = next(line for line in output.splitlines() if line.strip().startswith("checker"))
    password = line.split()[1]
    assert users["checker"].check_password(password)
    assert Article.objects.count() >= 3
    assert Claim.objects.count() > 0
    run("seed_demo")  # again: no duplicates, fresh passwords
    assert Article.objects.count() == 3


def test_extract_claims_prints_json_only_and_needs_no_database(tmp_path: Path) -> None:
    path = SAMPLE_ARTICLES / "002_3eaee8b3c4068dbe.txt"
    result = subprocess.run(
        [sys.executable, "manage.py", "extract_claims", str(path), "--json"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            "DEBUG": "1",  # a laptop command: production settings would want SECRET_KEY
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)
    text = path.read_text(encoding="utf-8")
    assert claims and all(text[c["start"] : c["end"]] == c["text"] for c in claims)
    assert set(claims[0]) >= {"text", "start", "end", "kind", "score", "quantities", "claimant"}
    assert any("$350 billion" in c["text"] for c in claims)
