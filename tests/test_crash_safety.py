"""Crashes in the middle of the work: while sixteen client threads drive a thousand step
completions through the REST API (a quarter of the steps claimed first, the others claimed by
completing them; a tenth of the dossiers on the two-second timer), web processes and timer
workers are killed with SIGKILL at random moments (a seeded random, every 0.5–1.5 s: a
gunicorn worker, which its master replaces; a whole gunicorn server, started again; an
``isobpmn worker``, started again).

The clients carry on: a request that found no server is sent to the other one or later; a
request whose answer was lost is not sent blindly again — the client reads the dossier and
does what is left (a retry that finds its first attempt committed gets 409 and reads the
dossier too). Afterwards nothing is half done: every change is one transaction with its audit
event, so every chain verifies and every dossier's log replays without deviation; no dossier is
in an impossible state; no step was completed twice; every timer that fell due fired exactly
once after the workers came back. On PostgreSQL when the tests have one, else on SQLite.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from fixtures_processes import (
    HAPPY,
    NOT_ELIGIBLE,
    RACE,
    REFUSED,
    SUPPLEMENT,
    TIMER,
    Dossier,
    available_backend,
    check_cluster,
    plans,
    report,
    run_jobs,
    wait_for_timers,
)

pytestmark = pytest.mark.slow

DOSSIERS = 188
MIX = {HAPPY: 74, SUPPLEMENT: 8, NOT_ELIGIBLE: 4, REFUSED: 2, TIMER: 6, RACE: 6}
COMPLETIONS = 1000


class Chaos(threading.Thread):
    """Kills a process of the cluster every 0.5–1.5 s and starts it again. A whole web server
    is killed only while both answer, so that one of them is always up or starting."""

    def __init__(self, deployment, seed_value: int) -> None:
        super().__init__(name="chaos")
        self.deployment, self.rng = deployment, random.Random(seed_value)
        self.stop = threading.Event()
        self.kills: list[str] = []

    def run(self) -> None:
        web, workers = self.deployment.web, self.deployment.workers
        while not self.stop.wait(self.rng.uniform(0.5, 1.5)):
            kind = self.rng.choices(("web worker", "web server", "timer worker"),
                                    weights=(8, 1, 1))[0]
            if kind == "web worker":
                node = self.rng.choice(web)
                if node.kill_child(self.rng):
                    self.kills.append(f"{kind} of {node.name}")
                continue
            if kind == "web server" and not all(n.healthy for n in web):
                continue
            node = self.rng.choice(web if kind == "web server" else workers)
            node.kill()
            node.start()
            self.kills.append(f"{kind} {node.name}")


def test_kill_9_web_and_worker_processes_during_1000_completions(cluster):
    backend = available_backend()
    deployment = cluster(backend, web=2, web_processes=2, threads=2, workers=2, interval=0.3)
    api = deployment.api(timeout=30)
    dossiers = [Dossier(api, plan, f"Người nộp {n:03d}", patience=30.0,
                        claim_first=n % 4 == 0, hand_over=n % 2 == 0, rng=random.Random(n))
                for n, plan in enumerate(plans(DOSSIERS, MIX, 9001), start=1)]
    chaos = Chaos(deployment, 2026)
    started = time.monotonic()
    chaos.start()
    try:
        run_jobs((d.run() for d in dossiers), threads=16, timeout=300)
    finally:
        chaos.stop.set()
        chaos.join()
    elapsed = time.monotonic() - started
    # every process is up again (one that died on its own would be a finding)
    dead = [p.name for p in deployment.web + deployment.workers if not p.alive]
    deployment.wait_ready()
    wait_for_timers(deployment)

    found = check_cluster(deployment, claimed_first=False)
    repeats = [r for d in dossiers for r in d.repeats]
    kinds = {kind: sum(k.startswith(kind) for k in chaos.kills)
             for kind in ("web worker", "web server", "timer worker")}
    report(f"crash safety ({backend}; up in {deployment.boot_seconds:.1f} s): "
           f"{len(chaos.kills)} kills injected {kinds} in "
           f"{elapsed:.1f} s; {found.completions} steps completed over {DOSSIERS} dossiers "
           f"with {api.requests} answered requests; {api.unreachable} connections refused "
           f"and {api.lost} answers lost, those requests sent again: {len(repeats)} repeats "
           f"found their first attempt committed (409); {api.statuses[409]} × 409 in all "
           f"({dict(api.codes)}); {found.timers_fired} timers fired; {found.chains} chains / "
           f"{found.events} events verified; {found.replayed} dossiers replayed, "
           f"{found.deviations} deviations (checks {found.seconds:.1f} s); "
           f"statuses {dict(found.statuses)}")
    assert not dead, f"died on their own: {dead}\n{deployment.logs()}"
    assert not found.problems, "\n".join(found.problems[:40])
    assert len(chaos.kills) >= 10
    assert found.completions >= COMPLETIONS
    assert found.cases == DOSSIERS, "a receipt whose answer was lost was registered twice"
    assert all(d.status in ("resolved", "returned", "refused") for d in dossiers)
    assert set(api.statuses) <= {200, 201, 409}
    assert found.replayed == DOSSIERS and found.deviations == 0
