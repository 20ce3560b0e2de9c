"""Upload a report into a running service and measure it: time to searchable, failed requests.

    .venv/bin/python scripts/bench_upload.py [--report kungsholmen_2024_...pdf] [--out FILE]

A temporary corpus holds the bundled reports except `--report`; it is indexed (reusing the
vectors of var/index when that build holds the same files, else embedding them), served by
`rapportsok serve` with an admin token, and then `--report` is uploaded through
POST /api/documents while another thread keeps searching and asking. It prints the build's
time, the time until the report is found by search, and every request's outcome during the
build (count, failures, p50/p95 latency), next to the same figures before the upload.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.embedding.encoder import cpu_model, resolve_precision  # noqa: E402
from indexer.structure.metadata import doc_id_for  # noqa: E402
from tests.support.servers import running_service  # noqa: E402

TOKEN = "bench-upload-token"
QUESTIONS = (
    "Hur har placeringskostnaderna utvecklats?",
    "Vad gör förvaltningen för att minska klimatpåverkan från livsmedelsinköp?",
    "Hur många ungdomar fick feriejobb?",
)


class Traffic(threading.Thread):
    """Searches and asks in a loop; records (time, status, seconds) per request."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base = base
        self.records: list[tuple[float, int, float]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=60) as client:
            k = 0
            while not self.stop.is_set():
                question = QUESTIONS[k % len(QUESTIONS)]
                started = time.perf_counter()
                try:
                    if k % 2:
                        status = client.post("/api/ask", json={"question": question}).status_code
                    else:
                        status = client.get("/api/search", params={"q": question}).status_code
                except httpx.HTTPError:
                    status = 0
                self.records.append((time.monotonic(), status, time.perf_counter() - started))
                k += 1


def summary(records: list[tuple[float, int, float]]) -> dict[str, object]:
    seconds = sorted(r[2] for r in records)
    failed = sum(1 for r in records if r[1] != 200)
    p95 = seconds[int(0.95 * (len(seconds) - 1))] if seconds else None
    return {
        "requests": len(records),
        "failed": failed,
        "p50_s": round(statistics.median(seconds), 3) if seconds else None,
        "p95_s": round(p95, 3) if p95 is not None else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--report", default="kungsholmen_2024_verksamhetsberattelse-socialtjanst.pdf"
    )
    parser.add_argument("--probe", default="Kuggen", help="a word only the uploaded report has")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="rapportsok-upload-"))
    corpus, index = root / "corpus", root / "index"
    corpus.mkdir()
    for pdf in sorted((REPO / "corpus").glob("*.pdf")):
        if pdf.name != args.report:
            shutil.copyfile(pdf, corpus / pdf.name)
    if (REPO / "var" / "index").is_dir():
        shutil.copytree(
            REPO / "var" / "index", index, symlinks=True, ignore=shutil.ignore_patterns(".lock")
        )
    env = {**os.environ, "RAPPORTSOK_INDEX_DIR": str(index), "RAPPORTSOK_CORPUS_DIR": str(corpus)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "service.cli", "index", str(corpus), "--index-dir", str(index)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stderr, file=sys.stderr)
        return 1
    print(
        f"corpus of {len(list(corpus.iterdir()))} reports indexed in "
        f"{time.perf_counter() - started:.0f} s: {done.stdout.strip().splitlines()[-1]}"
    )

    serve_env = {
        "RAPPORTSOK_INDEX_DIR": str(index),
        "RAPPORTSOK_CORPUS_DIR": str(corpus),
        "RAPPORTSOK_ADMIN_TOKEN": TOKEN,
        "RAPPORTSOK_RATE_LIMIT_PER_MINUTE": "0",
    }
    with (
        running_service(env=serve_env) as service,
        httpx.Client(base_url=service.base_url, timeout=120) as client,
    ):
        traffic = Traffic(service.base_url)
        traffic.start()
        time.sleep(20)
        uploaded_at = time.monotonic()
        data = (REPO / "corpus" / args.report).read_bytes()
        answer = client.post(
            "/api/documents",
            headers={"authorization": f"Bearer {TOKEN}"},
            files=[("files", (args.report, data, "application/pdf"))],
        )
        answer.raise_for_status()
        job_id = answer.json()["job"]["id"]
        found_at = None
        stages: dict[str, float] = {}
        while True:
            job = client.get(f"/api/jobs/{job_id}").json()
            stages.setdefault(job["state"], time.monotonic() - uploaded_at)
            if found_at is None:
                hits = client.get("/api/search", params={"q": args.probe}).json()["hits"]
                if any(h["doc_id"] == doc_id_for(args.report) for h in hits):
                    found_at = time.monotonic()
            if job["state"] in ("done", "failed") and found_at is not None:
                break
            if job["state"] == "failed":
                print(f"build failed: {job['message']}", file=sys.stderr)
                break
            time.sleep(0.5)
        finished_at = time.monotonic()
        time.sleep(10)
        traffic.stop.set()
        traffic.join()
    before = [r for r in traffic.records if r[0] < uploaded_at]
    during = [r for r in traffic.records if uploaded_at <= r[0] <= finished_at]
    after = [r for r in traffic.records if r[0] > finished_at]
    result = {
        "cpu": cpu_model(),
        "precision": resolve_precision("auto"),
        "report": args.report,
        "job": {k: job[k] for k in ("state", "files_done", "pages_done", "chunks_total", "build")},
        "stage_started_s": {k: round(v, 1) for k, v in stages.items()},
        "searchable_after_s": round(found_at - uploaded_at, 1) if found_at else None,
        "before": summary(before),
        "during_build": summary(during),
        "after": summary(after),
    }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
    shutil.rmtree(root, ignore_errors=True)
    return 0 if result["during_build"]["failed"] == 0 and found_at else 1  # type: ignore[index]


if __name__ == "__main__":
    raise SystemExit(main())
