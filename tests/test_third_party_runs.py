"""scripts/third_party_runs.py: the guard that keeps third-party text out of the repository."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "third_party_runs.py"
SHARED = ROOT.parent / "shared"

# invented for this test
ARTICLE = ("The harbour board of Ostvik voted on Tuesday to close the old grain pier for repairs "
           "that engineers say will take at least eighteen months and cost the town dearly.")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=600)


def _repo(tmp: Path, files: dict[str, str]) -> Path:
    repo = tmp / "repo"
    repo.mkdir()
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    return repo


def _shared(tmp: Path) -> Path:
    shared = tmp / "shared"
    (shared / "seed").mkdir(parents=True)
    (shared / "seed" / "page.txt").write_text(ARTICLE, encoding="utf-8")
    rw = shared / "data" / "realworld-dev"
    rw.mkdir(parents=True)
    (rw / "clean.jsonl").write_text(json.dumps({"id": "c1", "text": "Nothing here repeats anywhere else at all."}) + "\n")
    return shared


def test_a_run_of_twelve_words_across_a_line_break_is_found(tmp_path: Path) -> None:
    words = ARTICLE.split()
    quoted = " ".join(words[3:9]) + "\n" + " ".join(words[9:16])  # wrapped, 13 words
    repo = _repo(tmp_path, {"notes.md": f"# Notes\n{quoted}\n", "ok.txt": "our own words only\n"})
    r = _run("--shared", str(_shared(tmp_path)), "--repo", str(repo))
    assert r.returncode == 1, r.stderr
    assert "notes.md:2:" in r.stdout
    assert "page.txt" in r.stdout
    assert "ok.txt" not in r.stdout


def test_eleven_words_are_not_a_hit_and_a_clean_repo_passes(tmp_path: Path) -> None:
    words = ARTICLE.split()
    repo = _repo(tmp_path, {"notes.md": " ".join(words[:11]) + "\n"})
    r = _run("--shared", str(_shared(tmp_path)), "--repo", str(repo))
    assert r.returncode == 0, r.stdout
    assert "0 hit(s)" in r.stderr


def test_without_shared_it_says_so(tmp_path: Path) -> None:
    r = _run("--shared", str(tmp_path / "nowhere"), "--repo", str(ROOT))
    assert r.returncode == 2
    assert "no such folder" in r.stderr


@pytest.mark.skipif(not (SHARED / "data" / "bbc-dev.jsonl.gz").exists(), reason="needs ../shared (BBC dev, seed, real-world pages)")
def test_the_repository_holds_no_run_of_third_party_text() -> None:
    r = _run("--shared", str(SHARED), "--repo", str(ROOT))
    assert r.returncode == 0, r.stdout
