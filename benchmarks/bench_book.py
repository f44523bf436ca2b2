"""Book build time: a cold build from an empty ``_build`` and a warm rebuild with nothing changed.

Both builds run ``jupyter-book build . --builder html -W -n --keep-going`` into a temporary
``--path-output`` (the repository's own ``_build`` is not touched). Python bytecode is cached in a
temporary ``PYTHONPYCACHEPREFIX`` and a first, untimed build primes it, so the figures measure the
book build (notebook execution, Sphinx), not the compilation of the installed packages' sources
(``PYTHONDONTWRITEBYTECODE`` is removed for the subprocesses for the same reason).

- ``book_cold_seconds``: empty output folder: every notebook is executed, every page written.
- ``book_warm_over_cold``: the same build again with nothing changed, divided by the cold time
  (notebooks come from the jupyter-cache, Sphinx re-reads nothing).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _build(out: Path, env: dict[str, str]) -> float:
    jb = Path(sys.executable).with_name("jupyter-book")
    cmd = [str(jb), "build", str(ROOT), "--path-output", str(out), "--builder", "html",
           "-W", "-n", "--keep-going", "--quiet"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or not (out / "_build" / "html" / "index.html").is_file():
        raise RuntimeError(f"book build failed ({proc.returncode}):\n{proc.stdout[-3000:]}"
                           f"\n{proc.stderr[-3000:]}")
    return elapsed


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="cxstats-bench-book-") as tmp:
        base = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(base / "pycache")
        _build(base / "prime", env)
        cold = _build(base / "book", env)
        warm = _build(base / "book", env)
    return {"book_cold_seconds": round(cold, 2), "book_warm_over_cold": round(warm / cold, 4)}


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
