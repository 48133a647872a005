"""Many officials on the same step at the same moment, through the REST API: two web processes
of eight threads each, sixteen officials of one agency racing for each step.

For every dossier, the sixteen claim its first step at once: one gets it, fifteen get 409
naming who holds it. Then the sixteen complete its examination at once, each with their own
data and the state version they read: one completion happens, fifteen get 409 naming who
completed it — and what the dossier keeps is exactly the winner's data, once (no lost update:
one completion event per step, the engine state saved once per completion, every audit chain
intact, every dossier's log a run its diagram allows). On SQLite (a file, WAL) and on
PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from fixtures_processes import Reply, check_cluster, report

pytestmark = pytest.mark.slow

DOSSIERS = 12
OFFICIALS = [f"cb{n:02d}" for n in range(1, 17)]


def race(api, requests: list[tuple[str, str, str, dict | None]]) -> list[Reply]:
    """Send the requests at the same moment, request ``i`` from thread ``i`` to web process
    ``i % 2``; their replies in the same order."""
    barrier = threading.Barrier(len(requests))
    replies: list[Reply | BaseException | None] = [None] * len(requests)

    def send(index: int) -> None:
        method, path, user, body = requests[index]
        try:
            barrier.wait()
            replies[index] = api.call(method, path, user, body, node=index % len(api.ports))
        except Exception as exc:  # handed to the test
            replies[index] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for reply in replies:
        if isinstance(reply, BaseException):
            raise reply
    return replies  # type: ignore[return-value]


def one_winner(replies: list[Reply], action: str) -> int:
    """The index of the one success; every other reply is 409 Conflict naming the winner."""
    winners = [i for i, r in enumerate(replies) if r.status == 200]
    assert len(winners) == 1, f"{action}: {[r.status for r in replies]}"
    [winner] = winners
    for index, reply in enumerate(replies):
        if index == winner:
            continue
        assert reply.status == 409, f"{action}: {reply.status} {reply.body}"
        error = reply.body["error"]
        assert error["code"] == "Conflict" and error["status"] == 409
        assert f"({OFFICIALS[winner]})" in error["message"], error["message"]
    return winner


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_one_official_wins_each_step_the_others_get_409(cluster, backend):
    deployment = cluster(backend, web=2, web_processes=1, threads=8, workers=0,
                         officials=len(OFFICIALS))
    api = deployment.api()
    codes = []
    for number in range(DOSSIERS):
        reply = api.call("POST", "/cases", "motcua", {
            "procedure": "QT-DKKD-01", "agency": "XA-HOA-AN",
            "applicant": f"Hộ kinh doanh số {number}"})
        assert reply.status == 201, reply.body
        codes.append(reply.body["case_code"])

    winners = {}
    for code in codes:
        [first] = api.call("GET", f"/cases/{code}", "motcua").body["tasks"]
        claims = race(api, [("POST", f"/tasks/{first['id']}/claim", user, None)
                            for user in OFFICIALS])
        desk = OFFICIALS[one_winner(claims, f"claim {code}")]
        assert claims[OFFICIALS.index(desk)].body["claimed_by"] == desk
        done = api.call("POST", f"/tasks/{first['id']}/complete", desk, {
            "data": {"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": "có"}})
        assert done.status == 200, done.body
        [exam] = done.body["ready"]
        version = api.call("GET", f"/tasks/{exam['id']}", "cb01").body["state_version"]
        completions = race(api, [("POST", f"/tasks/{exam['id']}/complete", user, {
            "expected_version": version,
            "data": {"ten_ho_kinh_doanh": f"Hộ kinh doanh của {user}", "nganh_nghe": "Bán lẻ",
                     "von_kinh_doanh": "300000000", "ket_qua_tham_dinh": "dat"}})
            for user in OFFICIALS])
        winners[code] = (desk, OFFICIALS[one_winner(completions, f"complete {code}")])

    from sqlalchemy import select

    from isobpmn.store import Case, CaseState, Event, Task, User

    with deployment.db.read() as session:
        names = dict(session.execute(select(User.id, User.username)).all())
        for code, (desk, examiner) in winners.items():
            case = session.scalar(select(Case).where(Case.code == code))
            tasks = {t.bpmn_id: t for t in session.scalars(
                select(Task).where(Task.case_id == case.id))}
            events = session.scalars(select(Event).where(Event.case_id == case.id)
                                     .order_by(Event.seq)).all()
            assert [e.kind for e in events] == ["case_received", "task_claimed",
                                                "task_completed", "task_completed"]
            assert [names[e.actor_id] for e in events[1:]] == [desk, desk, examiner]
            assert names[tasks["Task_TiepNhan"].completed_by] == desk
            exam = tasks["Task_ThamDinh"]
            assert (names[exam.claimed_by], names[exam.completed_by]) == (examiner, examiner)
            assert exam.data["ten_ho_kinh_doanh"] == f"Hộ kinh doanh của {examiner}"
            assert events[-1].payload["data"]["ten_ho_kinh_doanh"] == \
                f"Hộ kinh doanh của {examiner}"
            assert tasks["Task_XemXet"].state == "ready"
            assert session.get(CaseState, case.id).version == 3  # received + 2 completions

    found = check_cluster(deployment, claimed_first=False)
    report(f"concurrency ({backend}, 2 web processes × 8 threads, {len(OFFICIALS)} officials; "
           f"up in {deployment.boot_seconds:.1f} s): "
           f"{2 * DOSSIERS} races, {api.requests} requests, {api.statuses[409]} × 409, "
           f"p50 {api.percentile(0.5) * 1000:.0f} ms, p95 {api.percentile(0.95) * 1000:.0f} ms; "
           f"{found.chains} chains / {found.events} events verified, {found.replayed} "
           f"dossiers replayed, {found.deviations} deviations (checks {found.seconds:.1f} s)")
    assert not found.problems, "\n".join(found.problems[:40])
    assert api.statuses[409] == 2 * DOSSIERS * (len(OFFICIALS) - 1)
    assert found.replayed == DOSSIERS and found.deviations == 0
