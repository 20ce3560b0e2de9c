"""API latency benchmark: one client on /api/search and /api/ask, then 8 clients on search.

Prints the figures next to the service's targets (search p50 <= 40 ms and p95 <= 100 ms for one
client; ask p95 <= 300 ms; 8 clients for 60 s with zero errors and at least 40 requests/s).
The targets are printed, not asserted: measure on a quiet machine.

Starts `rapportsok serve` itself (rate limit off) unless --base-url is given.

    .venv/bin/python scripts/bench_api.py
    .venv/bin/python scripts/bench_api.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

import httpx
from load import Sample, Server, call, load_questions, percentile, print_latencies, serving

SEARCH_P50_MS = 40
SEARCH_P95_MS = 100
ASK_P95_MS = 300
CONCURRENT_RPS = 40


async def sequential(
    server: Server, endpoint: str, requests: int, questions: list[str]
) -> list[Sample]:
    """`requests` calls one after another on one keep-alive connection."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
        return [
            await call(client, endpoint, questions[i % len(questions)]) for i in range(requests)
        ]


async def concurrent(
    server: Server, clients: int, seconds: float, questions: list[str]
) -> tuple[list[Sample], float]:
    samples: list[Sample] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def one_client(number: int) -> None:
            i = number
            while time.perf_counter() < deadline:
                samples.append(await call(client, "search", questions[i % len(questions)]))
                i += clients

        await asyncio.gather(*(one_client(n) for n in range(clients)))
        return samples, time.perf_counter() - started


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def report_sequential(
    label: str, samples: list[Sample], seconds: float, p50: float | None, p95: float
) -> None:
    print_latencies(label, samples, seconds)
    times = [s.seconds * 1000 for s in samples if s.ok]
    errors = sum(not s.ok for s in samples)
    ok = (
        percentile(times, 95) <= p95
        and (p50 is None or percentile(times, 50) <= p50)
        and not errors
    )
    targets = (f"p50 <= {p50} ms, " if p50 is not None else "") + f"p95 <= {p95} ms"
    print(f"           target {targets}: {verdict(ok)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--search-requests", type=int, default=300)
    parser.add_argument("--ask-requests", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--quick", action="store_true", help="30 + 15 requests, 10 s concurrent")
    parser.add_argument("--base-url", help="measure a running service instead of starting one")
    parser.add_argument("--index-dir", help="index for the service started here")
    args = parser.parse_args(argv)
    if args.quick:
        args.search_requests, args.ask_requests, args.seconds = 30, 15, 10

    questions = load_questions()
    with serving(args.base_url, None, args.index_dir) as server:
        asyncio.run(sequential(server, "search", 10, questions))
        asyncio.run(sequential(server, "ask", 5, questions))
        print(f"bench: {server.base_url}, {len(questions)} questions")

        started = time.perf_counter()
        search = asyncio.run(sequential(server, "search", args.search_requests, questions))
        search_seconds = time.perf_counter() - started
        started = time.perf_counter()
        ask = asyncio.run(sequential(server, "ask", args.ask_requests, questions))
        ask_seconds = time.perf_counter() - started
        print("one client:")
        report_sequential("search", search, search_seconds, SEARCH_P50_MS, SEARCH_P95_MS)
        report_sequential("ask", ask, ask_seconds, None, ASK_P95_MS)

        samples, seconds = asyncio.run(concurrent(server, args.clients, args.seconds, questions))
    print(f"{args.clients} clients on /api/search for {seconds:.0f} s:")
    print_latencies("search", samples, seconds)
    errors = sum(not s.ok for s in samples)
    rate = len(samples) / seconds
    print(
        f"           target 0 errors and >= {CONCURRENT_RPS} req/s: "
        f"{verdict(errors == 0 and rate >= CONCURRENT_RPS)} ({errors} errors, {rate:.1f} req/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
