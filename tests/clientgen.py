"""A Python client generated from the schema a live Factcheck serves, as a CMS team would
make one: openapi-python-client (a dev dependency) run on `/api/schema/` into a temporary
folder at test time. Nothing generated is committed, and nothing is edited by hand: when the
schema lies, the generated client does too and the test using it fails."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx

# No formatter run after generating (the generated code is thrown away with the folder).
CONFIG = "post_hooks: []\n"


def generate(base_url: str, folder: Path, *, package: str = "factcheck_client") -> ModuleType:
    """Fetch the served schema, generate a client package into `folder` and import it."""
    schema = httpx.get(f"{base_url}/api/schema/", params={"format": "json"}, timeout=60)
    schema.raise_for_status()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "schema.json").write_bytes(schema.content)
    (folder / "config.yml").write_text(CONFIG)
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--path",
            str(folder / "schema.json"),
            "--config",
            str(folder / "config.yml"),
            "--meta",
            "none",
            "--output-path",
            str(folder / package),
            "--overwrite",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        raise RuntimeError(f"openapi-python-client failed:\n{done.stdout}\n{done.stderr}")
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(package)
    finally:
        sys.path.remove(str(folder))


def submodule(client_package: ModuleType, name: str) -> ModuleType:
    """One generated module, e.g. `api.v1.claims_list` or `models`."""
    return importlib.import_module(f"{client_package.__name__}.{name}")
