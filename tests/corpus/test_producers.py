"""The producer matrix generator (python -m scripts.producers), through its command line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
TXT = ROOT.parent / "shared" / "corpus" / "txt"
GOLD = ROOT / "eval" / "commitments_gold.json"

needs_txt = pytest.mark.skipif(not TXT.is_dir(), reason=f"no text versions at {TXT}")


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scripts.producers", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _squeeze(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "").casefold()


@pytest.fixture(scope="module")
def structure() -> list[dict[str, Any]]:
    done = _cli("--structure", "--txt", str(TXT))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@needs_txt
def test_every_gold_indicator_row_is_a_table_row_with_its_values(
    structure: list[dict[str, Any]],
) -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    by_doc = {r["stem"].replace("_", "-"): r for r in structure}
    missing = []
    for row in gold["indicators"]:
        report = by_doc[row["doc"]]
        parts = [
            p
            for p in report["parts"]
            if row.get("unit") is None or _squeeze(p["unit"]) == _squeeze(row["unit"])
        ]
        wanted = [_squeeze(v) for v in row["values"].values()] + [_squeeze(row["period"])]
        found = False
        for part in parts:
            for block in part["blocks"]:
                if block["type"] != "Table" or block["kind"] != "indicator":
                    continue
                for cells in block["rows"]:
                    have = [_squeeze(c) for c in cells]
                    if have[0] == _squeeze(row["name"]) and all(w in have for w in wanted):
                        found = True
        if not found:
            missing.append(f"{row['doc']} | {row.get('unit')} | {row['name']}")
    assert not missing, missing


@needs_txt
def test_every_bundle_unit_has_its_own_part_and_title_block(
    structure: list[dict[str, Any]],
) -> None:
    bundle = next(r for r in structure if r["stem"].startswith("kungsholmen"))
    units = [p["unit"] for p in bundle["parts"] if p["unit"]]
    assert len(units) == 6
    for part in bundle["parts"][1:]:
        title = part["blocks"][0]
        assert title["type"] == "TitleBlock"
        assert title["title"].endswith(f"för {part['unit']}")


@needs_txt
def test_same_text_gives_the_same_structure(structure: list[dict[str, Any]]) -> None:
    again = json.loads(_cli("--structure", "--txt", str(TXT)).stdout)
    assert again == structure


def test_a_missing_text_folder_is_named(tmp_path: Path) -> None:
    done = _cli("--txt", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "nowhere" in done.stderr and "--txt" in done.stderr


@pytest.mark.slow
@needs_txt
@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
def test_the_browser_producer_writes_a_pdf(tmp_path: Path) -> None:
    done = _cli(
        "--txt", str(TXT), "--out", str(tmp_path), "--producer", "chromium", "--only", "2024_verk"
    )
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "chromium" / "hasselby-vallingby_2024_verksamhetsplan.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-"
