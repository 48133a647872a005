"""The process-mining export: XES (IEEE 1849-2016) and CSV of dossiers and their steps.

The XES is read back with lxml (extensions, globals, classifiers, trace and event attributes),
the CSV with the csv module; and, when the optional pm4py is installed, the XES of real runs
is replayed token by token on the procedure's diagram converted to a Petri net.
"""

from __future__ import annotations

import csv
import io
import warnings
from datetime import date

import pytest
from click.testing import CliRunner
from fixtures_services import (
    AGENCY,
    FILES,
    GPXD,
    GPXD_STEPS,
    HKD_HAPPY,
    HO_KINH_DOANH,
    KHAI_SINH,
    LIBRARY,
    ready,
    vn,
)
from lxml import etree

from isobpmn.cli import cli
from isobpmn.services import InvalidRequest, UnknownAgency, UnknownProcedure
from isobpmn.services import eventlog
from isobpmn.services.eventlog import COLUMNS, XES_NS, export_event_log

NS = {"x": XES_NS}
INCOMPLETE = {"nguoi_nop": "Nguyễn Văn An", "ho_so_day_du": "không"}


def walk(services, clock, code, steps):
    for bpmn_id, actor, data in steps:
        clock.advance(minutes=20)
        services.complete_task(ready(services, code, bpmn_id).id, actor, data)


def receive(services, procedure=HO_KINH_DOANH):
    return services.receive_dossier(procedure, AGENCY, "Nguyễn Văn An", actor="motcua").case_code


def export(services, **options) -> bytes:
    out = io.BytesIO()
    export_event_log(services.context, out=out, **options)
    return out.getvalue()


def attributes(element) -> dict[str, str]:
    return {child.get("key"): child.get("value") for child in element
            if child.tag != f"{{{XES_NS}}}event"}


@pytest.fixture
def runs(services, clock):
    """Three dossiers of hộ kinh doanh: done (claimed first), sent back once, just received."""
    done = receive(services)
    services.claim(ready(services, done, "Task_TiepNhan").id, "motcua")
    walk(services, clock, done, HKD_HAPPY)
    back = receive(services)
    walk(services, clock, back, HKD_HAPPY[:2])
    services.return_to_previous(ready(services, back, "Task_XemXet").id, "truongphong",
                                "Thiếu mã số thuế")
    walk(services, clock, back, HKD_HAPPY[1:])
    fresh = receive(services)
    return done, back, fresh


def test_xes_is_well_formed_with_extensions_globals_and_traces(services, runs):
    done, back, fresh = runs
    root = etree.fromstring(export(services))
    assert root.tag == f"{{{XES_NS}}}log"
    assert (root.get("xes.version"), root.get("xes.features")) == ("1849-2016",
                                                                   "nested-attributes")
    assert {(e.get("prefix"), e.get("uri")) for e in root.findall("x:extension", NS)} == {
        ("concept", "http://www.xes-standard.org/concept.xesext"),
        ("time", "http://www.xes-standard.org/time.xesext"),
        ("org", "http://www.xes-standard.org/org.xesext"),
        ("lifecycle", "http://www.xes-standard.org/lifecycle.xesext")}
    scopes = {g.get("scope"): attributes(g) for g in root.findall("x:global", NS)}
    assert set(scopes["trace"]) == {"concept:name", "procedure", "version", "agency", "status"}
    assert set(scopes["event"]) == {"concept:name", "time:timestamp", "org:resource",
                                    "lifecycle:transition"}
    assert [c.get("keys") for c in root.findall("x:classifier", NS)] == \
        ["concept:name", "concept:name lifecycle:transition"]
    # the schema's order: extensions, globals, classifiers, log attributes, traces
    tags = [etree.QName(child).localname for child in root]
    assert tags == ["extension"] * 4 + ["global"] * 2 + ["classifier"] * 2 + ["string"] * 2 \
        + ["trace"] * 3

    traces = {attributes(t)["concept:name"]: t for t in root.findall("x:trace", NS)}
    assert list(traces) == [done, back, fresh]
    assert attributes(traces[done]) == {"concept:name": done, "procedure": HO_KINH_DOANH,
                                        "version": "2", "agency": AGENCY, "outcome": "early",
                                        "status": "resolved"}
    assert traces[done].find("x:int[@key='version']", NS) is not None
    assert attributes(traces[fresh])["status"] == "open" and "outcome" not in \
        attributes(traces[fresh])
    assert traces[fresh].findall("x:event", NS) == []
    first, *_ = traces[done].findall("x:event", NS)
    assert attributes(first) == {"concept:name": "Tiếp nhận, kiểm tra hồ sơ",
                                 "time:timestamp": "2026-03-03T09:20:00.000+07:00",
                                 "org:resource": "motcua", "org:role": "mot-cua",
                                 "lifecycle:transition": "complete"}
    assert first.find("x:date[@key='time:timestamp']", NS) is not None
    names = [attributes(e)["concept:name"] for e in traces[back].findall("x:event", NS)]
    assert names.count("Thẩm định hồ sơ") == 2 and names.count("Xem xét hồ sơ, trình ký") == 2


def test_claims_become_start_events(services, runs):
    done, *_ = runs
    root = etree.fromstring(export(services, starts=True))
    trace = root.find("x:trace", NS)
    events = [attributes(e) for e in trace.findall("x:event", NS)]
    assert [(e["concept:name"], e["lifecycle:transition"]) for e in events[:2]] == [
        ("Tiếp nhận, kiểm tra hồ sơ", "start"), ("Tiếp nhận, kiểm tra hồ sơ", "complete")]
    assert events[0]["time:timestamp"] == "2026-03-03T09:00:00.000+07:00"


def test_csv_has_the_columns_and_one_row_per_event(services, runs):
    done, back, fresh = runs
    rows = list(csv.DictReader(io.StringIO(export(services, fmt="csv").decode("utf-8"))))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0] == {"case_id": done, "activity": "Tiếp nhận, kiểm tra hồ sơ",
                       "timestamp": "2026-03-03T09:20:00.000+07:00", "resource": "motcua",
                       "role": "mot-cua", "lifecycle": "complete", "procedure": HO_KINH_DOANH,
                       "version": "2", "agency": AGENCY, "outcome": "early"}
    assert [r["case_id"] for r in rows].count(back) == 8
    assert fresh not in {r["case_id"] for r in rows}


def test_filters_and_batches(services, clock, runs, monkeypatch):
    clock.set(vn(2026, 3, 5, 9, 0))
    birth = receive(services, KHAI_SINH)
    monkeypatch.setattr(eventlog, "BATCH", 2)  # three batches, the log unchanged

    def codes(**options):
        root = etree.fromstring(export(services, **options))
        return [attributes(t)["concept:name"] for t in root.findall("x:trace", NS)]

    assert codes() == [*runs, birth]
    assert codes(procedure=KHAI_SINH) == [birth]
    assert codes(since=date(2026, 3, 4)) == [birth]
    assert codes(until=date(2026, 3, 4)) == list(runs)
    assert codes(agency="XA-BINH-MINH") == []
    with pytest.raises(UnknownAgency):
        export(services, agency="NOPE")
    with pytest.raises(UnknownProcedure):
        export(services, procedure="QT-NOPE")
    with pytest.raises(InvalidRequest, match="swap"):
        export(services, since=date(2026, 3, 5), until=date(2026, 3, 1))
    with pytest.raises(InvalidRequest, match="xes, csv"):
        export(services, fmt="json")


def test_cli_writes_a_file_or_standard_output(services, runs, database, tmp_path):
    url = database.engine.url.render_as_string(hide_password=False)
    target = tmp_path / "log.xes"
    result = CliRunner().invoke(cli, ["export", "xes", "-o", str(target), "--database", url])
    assert result.exit_code == 0, result.output
    assert "3 dossier(s), 14 event(s) written as XES" in result.stderr
    assert etree.parse(str(target)).getroot().tag == f"{{{XES_NS}}}log"
    assert not (tmp_path / "log.xes.part").exists()
    result = CliRunner().invoke(cli, ["export", "csv", "--procedure", HO_KINH_DOANH,
                                      "--since", "03/03/2026", "--database", url])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ",".join(COLUMNS)
    assert len(result.stdout.splitlines()) == 15
    result = CliRunner().invoke(cli, ["export", "csv", "--agency", "NOPE", "--database", url])
    assert result.exit_code == 1 and "NOPE" in result.output
    result = CliRunner().invoke(cli, ["export", "xes", "--until", "3/13/2026"])
    assert result.exit_code == 2


# -- conformance with pm4py (optional) -------------------------------------------------------


def _pm4py():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pm4py
    except ImportError as exc:
        pytest.skip(f"pm4py is an optional test dependency, not installed here ({exc}); "
                    "`pip install pm4py` to run the conformance check")
    return pm4py


BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def petri_net(pm4py, procedure: str, tmp_path):
    """The procedure's diagram as pm4py's Petri net. pm4py's converter drops intermediate
    catch events (the wait for a supplement) together with the loop through them, so each is
    bridged first: its incoming flow goes straight to where its outgoing flow went."""
    tree = etree.parse(str(LIBRARY / FILES[procedure]))
    for event in list(tree.iter(f"{{{BPMN_NS}}}intermediateCatchEvent")):
        process = event.getparent()
        flows = list(process.iter(f"{{{BPMN_NS}}}sequenceFlow"))
        [after] = [f for f in flows if f.get("sourceRef") == event.get("id")]
        for flow in flows:
            if flow.get("targetRef") == event.get("id"):
                flow.set("targetRef", after.get("targetRef"))
        process.remove(after)
        process.remove(event)
    path = tmp_path / f"{procedure}.bpmn"
    tree.write(str(path))
    return pm4py.convert_to_petri_net(pm4py.read_bpmn(str(path)))


@pytest.mark.filterwarnings("ignore")  # pm4py's own deprecation and speed-up notices
def test_real_runs_replay_on_the_diagram_as_a_petri_net(services, clock, runs, tmp_path):
    pm4py = _pm4py()
    supplemented = receive(services)
    clock.advance(hours=1)
    services.complete_task(ready(services, supplemented, "Task_TiepNhan").id, "motcua",
                           INCOMPLETE)
    services.request_supplement(ready(services, supplemented, "Task_HuongDanBoSung").id,
                                "motcua", reason="Thiếu bản sao", items=["Bản sao Căn cước"])
    clock.advance(days=1)
    services.receive_supplement(supplemented, "motcua")
    walk(services, clock, supplemented, HKD_HAPPY)
    permit = receive(services, GPXD)
    walk(services, clock, permit, GPXD_STEPS)

    for procedure, complete in ((HO_KINH_DOANH, 3), (GPXD, 1)):
        path = tmp_path / f"{procedure}.xes"
        xes = export(services, procedure=procedure)
        root = etree.fromstring(xes)
        for trace in root.findall("x:trace", NS):
            if attributes(trace)["status"] != "resolved":
                root.remove(trace)  # an open dossier's trace is a prefix, not a run
        path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        log = pm4py.read_xes(str(path), return_legacy_log_object=True)
        assert len(log) == complete
        net, initial, final = petri_net(pm4py, procedure, tmp_path)
        fitness = pm4py.fitness_token_based_replay(log, net, initial, final)
        assert fitness["percentage_of_fitting_traces"] == 100.0, procedure

        # a run that skips a step (the one after the check) does not fit: the check has teeth
        trace = root.find("x:trace", NS)
        trace.remove(trace.findall("x:event", NS)[1])
        path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))
        skipped = pm4py.read_xes(str(path), return_legacy_log_object=True)
        assert pm4py.fitness_token_based_replay(skipped, net, initial,
                                                final)["percentage_of_fitting_traces"] < 100
