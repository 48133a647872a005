"""A province's load on the scale-out deployment: two gunicorn web processes (two workers of
two threads each) and two ``isobpmn worker`` processes on one PostgreSQL database.

Sixteen client threads drive 500 dossiers through the REST API, each from its receipt to its
end — most through every step of hộ kinh doanh (a third of them handed over), some with a
supplement asked for and brought, some found not eligible, some refused at the desk, and a fifth on a procedure
whose two-second timer the workers fire (some left to it, some completed around the moment it
fires: the official or the worker wins, the other gets 409). Afterwards every dossier is in a
state its diagram allows, no step was claimed or completed twice, every timer fired exactly
once, every audit chain verifies and the replay of every dossier finds no deviation.
"""

from __future__ import annotations

import random
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
    check_cluster,
    plans,
    report,
    run_jobs,
    wait_for_timers,
)

pytestmark = pytest.mark.slow

DOSSIERS = 500
CLIENTS = 16
MIX = {HAPPY: 62, SUPPLEMENT: 8, NOT_ELIGIBLE: 6, REFUSED: 4, TIMER: 10, RACE: 10}


def test_500_dossiers_on_two_web_processes_and_two_workers(cluster):
    deployment = cluster("postgresql", web=2, web_processes=2, threads=2, workers=2,
                         interval=0.5)
    api = deployment.api()
    dossiers = [Dossier(api, plan, f"Người nộp {n:03d}", hand_over=n % 3 == 0,
                        rng=random.Random(n))
                for n, plan in enumerate(plans(DOSSIERS, MIX, 2026), start=1)]
    started = time.monotonic()
    run_jobs((d.run() for d in dossiers), threads=CLIENTS, timeout=300)
    elapsed = time.monotonic() - started
    wait_for_timers(deployment)

    found = check_cluster(deployment)
    conflicts = [c for d in dossiers for c in d.conflicts]
    report(f"scale-out (PostgreSQL; 2 web processes of 2 workers × 2 threads, 2 timer workers; "
           f"up in {deployment.boot_seconds:.1f} s): {len(dossiers)} dossiers, "
           f"{api.requests} requests in {elapsed:.1f} s = {api.requests / elapsed:.0f} "
           f"requests/s, p50 {api.percentile(0.5) * 1000:.0f} ms, p95 "
           f"{api.percentile(0.95) * 1000:.0f} ms; {api.statuses[409]} × 409 "
           f"({dict(api.codes)}); {found.completions} steps completed; {found.timers_fired} "
           f"timers fired, {found.timers_cancelled} beaten by the official; {found.chains} "
           f"chains / {found.events} events verified; {found.replayed} dossiers replayed, "
           f"{found.deviations} deviations (checks {found.seconds:.1f} s); "
           f"statuses {dict(found.statuses)}")
    assert not found.problems, "\n".join(found.problems[:40])
    assert found.cases == DOSSIERS
    assert all(d.status in ("resolved", "returned", "refused") for d in dossiers)
    assert api.lost == api.unreachable == 0
    assert set(api.statuses) <= {200, 201, 409}
    assert api.statuses[409] == len(conflicts)
    assert all(c.startswith("TaskNotReady") for c in conflicts), conflicts
    assert found.timers_fired >= sum(d.plan == TIMER for d in dossiers)
    assert found.replayed == DOSSIERS and found.deviations == 0
