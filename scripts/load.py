"""Load test: N concurrent clients mixing /api/search and /api/ask for a fixed time.

Questions come from eval/dev.jsonl and eval/heldout.jsonl. Prints throughput, p50/p95/p99
latency per endpoint and overall, the error count, and the server's resident memory at the
start and end of the run (and the highest seen in between).

Without --base-url the script starts `rapportsok serve` itself on a free port, with the rate
limit switched off (RAPPORTSOK_RATE_LIMIT_PER_MINUTE=0): every client shares one address, so
the per-address limit would otherwise answer 429 to the load test itself.

    .venv/bin/python scripts/load.py --clients 16 --seconds 120
    .venv/bin/python scripts/load.py --base-url http://127.0.0.1:8000 --server-pid 1234
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import shlex
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.servers import ServiceError, running_service  # noqa: E402

QUESTION_FILES = (REPO / "eval" / "dev.jsonl", REPO / "eval" / "heldout.jsonl")


# ----------------------------------------------------------------------------- shared helpers


def load_questions() -> list[str]:
    """The evaluation questions, in file order."""
    questions: list[str] = []
    for path in QUESTION_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                questions.append(json.loads(line)["question"])
    if not questions:
        raise SystemExit("no questions found in eval/*.jsonl")
    return questions


def machine_line() -> str:
    """CPU model, architecture, cores, and the device, precision and runtime the configured
    model uses."""
    from indexer.embedding.encoder import available_cores, cpu_model, planned_run
    from service.settings import get_settings

    settings = get_settings()
    device, precision, runtime = planned_run(
        settings.model, settings.precision, settings.device, settings.runtime
    )
    where = f"{device}, {precision} ({'ONNX Runtime' if runtime == 'onnx' else 'torch'})"
    return f"{cpu_model()} ({platform.machine()}), {available_cores()} cores, {where}"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..100) of `values`; NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def rss_mib(pid: int | None) -> float | None:
    """Resident memory of a process in MiB, from /proc/<pid>/status (None if unknown)."""
    if pid is None:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@dataclass
class Server:
    base_url: str
    pid: int | None
    started_here: bool


@contextmanager
def serving(
    base_url: str | None, server_pid: int | None, index_dir: str | None
) -> Iterator[Server]:
    """The service to measure: the given one, or `rapportsok serve` started (and stopped) here."""
    if base_url:
        yield Server(base_url.rstrip("/"), server_pid, started_here=False)
        return
    env = {"RAPPORTSOK_RATE_LIMIT_PER_MINUTE": "0"}
    args = ["--index-dir", index_dir] if index_dir else []
    print(f"starting: RAPPORTSOK_RATE_LIMIT_PER_MINUTE=0 rapportsok serve {shlex.join(args)}")
    print("  (rate limit off: every client of this script shares one address)")
    try:
        with running_service(env=env, args=args) as service:
            yield Server(service.base_url, service.pid, started_here=True)
    except ServiceError as exc:
        raise SystemExit(str(exc)) from None


@dataclass
class Sample:
    endpoint: str
    seconds: float
    ok: bool
    detail: str = ""


async def call(client: httpx.AsyncClient, endpoint: str, question: str) -> Sample:
    """One request; its latency, and whether it was a 200 with the expected body."""
    started = time.perf_counter()
    try:
        if endpoint == "ask":
            response = await client.post("/api/ask", json={"question": question})
        else:
            response = await client.get("/api/search", params={"q": question, "k": 10})
        elapsed = time.perf_counter() - started
        ok = response.status_code == 200
        return Sample(
            endpoint, elapsed, ok, "" if ok else f"{response.status_code}: {response.text[:120]}"
        )
    except httpx.HTTPError as exc:
        return Sample(
            endpoint, time.perf_counter() - started, False, f"{type(exc).__name__}: {exc}"
        )


def print_latencies(label: str, samples: list[Sample], seconds: float) -> None:
    """One line: count, throughput, p50/p95/p99 in ms, errors."""
    times = [s.seconds * 1000 for s in samples if s.ok]
    errors = sum(not s.ok for s in samples)
    print(
        f"  {label:8s} {len(samples):6d} requests {len(samples) / seconds:7.1f} req/s   "
        f"p50 {percentile(times, 50):7.1f} ms   p95 {percentile(times, 95):7.1f} ms   "
        f"p99 {percentile(times, 99):7.1f} ms   errors {errors}"
    )


# ----------------------------------------------------------------------------- the load test


@dataclass
class LoadRun:
    samples: list[Sample] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)
    seconds: float = 0.0


async def run_load(
    server: Server, clients: int, seconds: float, ask_share: float, questions: list[str]
) -> LoadRun:
    run = LoadRun()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def one_client(number: int) -> None:
            rng = random.Random(number)
            while time.perf_counter() < deadline:
                endpoint = "ask" if rng.random() < ask_share else "search"
                run.samples.append(await call(client, endpoint, rng.choice(questions)))

        async def watch_memory() -> None:
            while time.perf_counter() < deadline:
                value = rss_mib(server.pid)
                if value is not None:
                    run.rss.append(value)
                await asyncio.sleep(1)

        await asyncio.gather(watch_memory(), *(one_client(n) for n in range(clients)))
        run.seconds = time.perf_counter() - started
    return run


async def warm_up(server: Server, questions: list[str], requests: int) -> None:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=120) as client:
        for i in range(requests):
            await call(client, "ask" if i % 2 else "search", questions[i % len(questions)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--ask-share", type=float, default=0.3, help="share of /api/ask requests")
    parser.add_argument("--warmup", type=int, default=10, help="requests before measuring")
    parser.add_argument("--base-url", help="measure a running service instead of starting one")
    parser.add_argument("--server-pid", type=int, help="pid of that service, to read its memory")
    parser.add_argument("--index-dir", help="index for the service started here")
    args = parser.parse_args(argv)

    questions = load_questions()
    with serving(args.base_url, args.server_pid, args.index_dir) as server:
        asyncio.run(warm_up(server, questions, args.warmup))
        rss_start = rss_mib(server.pid)
        print(
            f"load: {args.clients} clients for {args.seconds:.0f} s against {server.base_url}, "
            f"{args.ask_share:.0%} /api/ask, {len(questions)} questions"
        )
        run = asyncio.run(run_load(server, args.clients, args.seconds, args.ask_share, questions))
        rss_end = rss_mib(server.pid)

    for endpoint in ("search", "ask"):
        print_latencies(endpoint, [s for s in run.samples if s.endpoint == endpoint], run.seconds)
    print_latencies("overall", run.samples, run.seconds)
    errors = [s for s in run.samples if not s.ok]
    for sample in errors[:5]:
        print(f"  error on /api/{sample.endpoint}: {sample.detail}")
    if rss_start is not None and rss_end is not None:
        peak = max(run.rss, default=rss_end)
        print(
            f"  server RSS: start {rss_start:.0f} MiB, end {rss_end:.0f} MiB, "
            f"peak {peak:.0f} MiB (change {rss_end - rss_start:+.0f} MiB)"
        )
    else:
        print("  server RSS: unknown (pass --server-pid for a service not started here)")
    print(f"errors: {len(errors)} of {len(run.samples)} requests")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
