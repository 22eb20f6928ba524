"""Single knocks measured in turns: the contenders alternate in short rounds (ABBA...).

On a shared machine the load of everything else drifts over a minute; two 20-second phases
one after the other measured that drift as much as the apps (the same code's ratio moved from
0.53 to 0.74 between runs). Alternating rounds, in mirrored order, put both under the same
conditions; each contender's figures are over all its rounds.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from knockload.common import log
from knockload.load import Canvasser, Tally, percentile, run_threads, single_loop
from knockload.server import Server


@dataclass
class Contender:
    """One server under the single-knock load, and what its rounds measured."""

    name: str
    canvassers: list[Canvasser]
    server: Server
    path: str
    tally: Tally = field(default_factory=Tally)
    seconds: float = 0.0
    server_cpu: float = 0.0
    loadgen_cpu: float = 0.0
    warmup_requests: int = 0
    errors: list[str] = field(default_factory=list)
    round_rates: list[float] = field(default_factory=list)

    def knock_for(self, seconds: float, requests: int, replay_share: float) -> tuple[Tally, float]:
        """Every volunteer knocks until the deadline or the shared request budget runs out."""
        for canvasser in self.canvassers:  # idle keep-alive connections were dropped meanwhile
            canvasser.client.connection.close()
        return run_threads(self.canvassers, single_loop, self.path, time.monotonic() + seconds,
                           iter(range(requests)), replay_share)

    def measure(self, seconds: float, requests: int, replay_share: float) -> None:
        """One measured round, added to the totals."""
        os.sync()  # start without the previous round's dirty pages being written out
        server, client = self.server.cpu_seconds(), time.process_time()
        tally, elapsed = self.knock_for(seconds, requests, replay_share)
        self.server_cpu += self.server.cpu_seconds() - server
        self.loadgen_cpu += time.process_time() - client
        self.seconds += elapsed
        self.tally.merge(tally)
        self.errors += tally.errors
        self.round_rates.append(round(tally.requests / elapsed, 1))

    def result(self) -> dict:
        """The figures over every round."""
        tally, seconds = self.tally, self.seconds
        return {
            "requests": tally.requests,
            "created": tally.created,
            "replayed": tally.replayed,
            "seconds": round(seconds, 2),
            "per_second": round(tally.requests / seconds, 1),
            "per_second_by_round": self.round_rates,
            "p50_ms": percentile(tally.latencies, 0.50),
            "p95_ms": percentile(tally.latencies, 0.95),
            "p99_ms": percentile(tally.latencies, 0.99),
            "max_ms": percentile(tally.latencies, 1.0),
            "warmup_requests": self.warmup_requests,
            "server_cpu_ms_per_request": round(1000 * self.server_cpu / max(tally.requests, 1), 3),
            "server_cpu_cores": round(self.server_cpu / seconds, 2),
            "loadgen_cpu_cores": round(self.loadgen_cpu / seconds, 2),
        }


def single_knocks(contenders: list[Contender], warmup: float, seconds: float, rounds: int,
                  max_requests: int, replay_share: float) -> None:
    """Warm every contender up (rows still counted), then `rounds` rounds of seconds/rounds
    each, the order mirrored every other round."""
    for contender in contenders:
        log(f"  {contender.name}: warm-up {warmup:.0f} s")
        warm, _ = contender.knock_for(warmup, max_requests, replay_share)
        contender.warmup_requests = warm.requests
        contender.errors += warm.errors
    names = " and ".join(c.name for c in contenders)
    log(f"  single knocks, {names} in turns: {rounds} x {seconds / rounds:.1f} s each, "
        f"{len(contenders[0].canvassers)} volunteers")
    for number in range(rounds):
        for contender in contenders if number % 2 == 0 else contenders[::-1]:
            contender.measure(seconds / rounds, max_requests // rounds, replay_share)
    for contender in contenders:
        figures = contender.result()
        log(f"  {contender.name}: {figures['per_second']}/s (rounds {figures['per_second_by_round']}) "
            f"p50 {figures['p50_ms']} ms p99 {figures['p99_ms']} ms, {len(contender.errors)} errors")
