"""The permission matrix over the whole URL map (docs/web.md, *Permissions*).

Every endpoint declares who may call it (``view.permission``, :mod:`isobpmn.web.context`).
Every route is then requested, GET and POST, by nobody, by each user of the demo province
(``admin`` is its administrator; the others hold different roles in different agencies) and,
under ``/api/v1``, with each user's bearer token; the URLs are filled with real objects of
both communes: dossiers, tasks, procedure drafts and versions, quality records. What each
request must get follows from the declaration and from the agency of the objects it names:

- nobody, on a route that is not public: the sign-in page (401 under ``/api/v1``);
- a signed-in user the declaration does not admit: 403;
- a user it admits, on an object of an agency where they hold no role (no role the
  declaration names, for a route declared for roles; for reports, no role in the agency nor
  in one above it): 403 or 404 — the agency boundary;
- otherwise: a GET is answered; a POST may still be refused by the services (the role a step
  needs), but a refusal changes nothing.

A refused POST must change nothing: the database is compared before and after it. CSRF is off
in these apps (``make_app``'s default), so that the permission checks answer, not a missing
token; tests/test_web_security.py checks CSRF over the same URL map. Read-only requests share
one app; POSTs run on a fresh copy of the database for each user.
"""

from __future__ import annotations

import hashlib
import itertools
import shutil
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlencode

import pytest
from fixtures_services import vn
from fixtures_web import PASSWORD, make_app

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ROOT / "bpmn"
#: The moment the demo province is seeded at and the apps run at: a Tuesday morning.
NOW = vn(2026, 3, 3, 10, 0)
HOA_AN, BINH_MINH = "XA-HOA-AN", "XA-BINH-MINH"
COMMUNES = (HOA_AN, BINH_MINH)
HKD = "QT-DKKD-01"
#: Procedures of one commune only, drafted for the matrix (the library is province-wide).
OWN_PROCEDURE = {HOA_AN: "QT-NB-HOA-AN", BINH_MINH: "QT-NB-BINH-MINH"}
#: Who drafts them, sets the commune's quality objective and reports its nonconformity.
QUALITY_STAFF = {HOA_AN: "thukyiso", BINH_MINH: "chutich_bm"}
DESK = {HOA_AN: "motcua", BINH_MINH: "motcua_bm"}
ANONYMOUS = "(nobody)"
#: Endpoints whose agency comes from the ``agency`` query parameter (default: the user's).
AGENCY_QUERY = ("reports.", "documents.log_book", "quality.objectives",
                "quality.nonconformities", "quality.review")
#: Endpoints that report on an agency and every agency below it.
REPORTS = ("reports.",)
#: Actions of a procedure version (``/quy-trinh/phien-ban/<id>/<action>``).
VERSION_ACTIONS = ("nop", "xem-xet", "phe-duyet", "ban-hanh", "thu-hoi", "huy")
REASON = "Kiểm tra phân quyền"
#: The form every web POST sends: what the case, task, quality and procedure forms read.
FORM = {"reason": REASON, "note": REASON, "comment": REASON, "verdict": "ok",
        "description": REASON, "step": "cause", "cause": REASON, "metric": "on_time_rate",
        "target": "90", "receiver": "Nguyễn Văn Kiểm", "signer": "chutich",
        "new_appointment": "31/03/2026 10:00", "name": "Nguyễn Văn Kiểm",
        "outcome": "receive"}


@dataclass(frozen=True)
class Value:
    """A value for a URL part, and the agency of the object it names (None: no agency's own,
    like a province-wide procedure, or not an object at all)."""

    text: str | int
    agency: str | None = None


@dataclass(frozen=True)
class Probe:
    """One request of the matrix."""

    endpoint: str
    method: str
    url: str
    agencies: frozenset[str]
    json: dict | None = None

    @property
    def api(self) -> bool:
        return self.endpoint.startswith("api.")


@dataclass
class World:
    """The seeded demo database and what the matrix needs to know about it."""

    path: Path
    #: user name → agency codes where they hold a role, with the role codes held there
    roles: dict[str, dict[str, set[str]]]
    admins: set[str]
    tokens: dict[str, str]
    #: agency code → its own code and those of the agencies above it
    ancestors: dict[str, set[str]]
    values: dict[tuple[str, str], list[Value]]
    version: dict[str, int]
    diagram: str

    @property
    def users(self) -> list[str]:
        return [*sorted(self.roles), ANONYMOUS]


# -- declarations ---------------------------------------------------------------------------


def undeclared(app) -> list[str]:
    """Each endpoint of ``app`` that declares no permission, with how to declare one."""
    from isobpmn.web.context import declared_permission

    return [f"{endpoint} ({', '.join(sorted(r.rule for r in app.url_map.iter_rules(endpoint)))})"
            " declares no permission: put @public, @login_required or @roles_required(...) "
            "of isobpmn.web.context right under its route decorator (an API operation is "
            "declared by isobpmn.web.api: public=True, else a bearer token)"
            for endpoint in sorted(app.view_functions)
            if declared_permission(app, endpoint) is None]


# -- the demo province ----------------------------------------------------------------------


def _own_draft(code: str) -> bytes:
    """The household-business diagram as a procedure of its own, ``code``."""
    xml = (LIBRARY / "dang-ky-ho-kinh-doanh.bpmn").read_text(encoding="utf-8")
    assert xml.count(f'code="{HKD}"') == 1
    return xml.replace(f'code="{HKD}"', f'code="{code}"').encode("utf-8")


def _seed(path: Path) -> World:
    from isobpmn.engine import ManualClock
    from isobpmn.services import Services
    from isobpmn.services.demo import seed_demo
    from isobpmn.store import Database, upgrade

    db = Database.from_url(f"sqlite:///{path}")
    upgrade(db)
    s = Services(db, ManualClock(NOW))
    seed_demo(s.context, [(p.name, p.read_bytes()) for p in sorted(LIBRARY.glob("*.bpmn"))],
              password=PASSWORD)
    cases, tasks, drafts, objectives, findings = {}, {}, {}, {}, {}
    for agency in COMMUNES:
        receipt = s.receive_dossier(HKD, agency, "Nguyễn Văn Kiểm", actor=DESK[agency])
        cases[agency] = receipt.case_code
        tasks[agency] = receipt.first_tasks[0].id
        staff = QUALITY_STAFF[agency]
        drafts[agency] = s.create_draft(_own_draft(OWN_PROCEDURE[agency]), staff,
                                        agency=agency).id
        objectives[agency] = s.set_quality_objective(agency, NOW.year, "online_rate", 50,
                                                     actor=staff).id
        findings[agency] = s.open_nonconformity(agency, "Phiếu kiểm soát thiếu chữ ký",
                                                actor=staff).id
    published = next(v.id for v in s.procedure_detail(HKD, None).versions
                     if v.status == "published")
    roles: dict[str, dict[str, set[str]]] = {}
    admins, tokens = set(), {}
    for person in s.list_users():
        roles[person.username] = {}
        for m in person.memberships:
            roles[person.username].setdefault(m.agency_code, set()).add(m.role_code)
        if person.is_admin:
            admins.add(person.username)
        tokens[person.username] = s.create_api_token(person.username, "ma trận quyền").token
    membership = s.user_detail("hotich").memberships[0].id
    with closing(sqlite3.connect(path)) as con:
        parents = dict(con.execute("SELECT a.code, p.code FROM agencies a "
                                   "LEFT JOIN agencies p ON p.id = a.parent_id").fetchall())
    db.dispose()
    ancestors = {}
    for code in parents:
        chain, at = set(), code
        while at is not None and at not in chain:
            chain.add(at)
            at = parents[at]
        ancestors[code] = chain

    def per_commune(found: dict[str, str | int]) -> list[Value]:
        return [Value(found[a], a) for a in COMMUNES]

    case_codes = per_commune(cases)
    values = {
        ("cases", "code"): case_codes, ("documents", "code"): case_codes,
        ("api", "code"): case_codes,
        ("procedures", "code"): [Value(HKD), *per_commune(OWN_PROCEDURE)],
        ("admin", "code"): [Value(HOA_AN)],
        ("", "task_id"): per_commune(tasks),
        ("", "version_id"): [Value(published), *per_commune(drafts)],
        ("procedures.transition", "version_id"): per_commune(drafts),
        ("", "action"): [Value(a) for a in VERSION_ACTIONS],
        ("", "kind"): [Value("receipt")],
        ("procedures", "fmt"): [Value("html")], ("reports", "fmt"): [Value("csv")],
        ("desk", "agency"): [Value(a, a) for a in COMMUNES],
        ("", "procedure"): [Value(HKD)],
        ("", "lang"): [Value("en")],
        ("", "username"): [Value("hotich")],
        ("", "membership_id"): [Value(membership)],
        ("", "objective_id"): per_commune(objectives),
        ("", "nonconformity_id"): per_commune(findings),
        ("", "filename"): [Value("css/app.css")],
    }
    return World(path, roles, admins, tokens, ancestors, values,
                 {"published": published, **drafts},
                 (LIBRARY / "dang-ky-ho-kinh-doanh.bpmn").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def _quick_hashes():
    """Passwords hashed with one round: nobody signs in with a password here (the session
    names the user), and scrypt would take most of the run."""
    from werkzeug.security import generate_password_hash

    def quick(password: str, *args, **kwargs) -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("isobpmn.services.accounts.generate_password_hash", quick)
        patch.setattr("isobpmn.services.accounts._DUMMY_HASH", quick("isobpmn-no-such-user"))
        yield


@pytest.fixture(scope="module")
def world(_quick_hashes, tmp_path_factory) -> World:
    return _seed(tmp_path_factory.mktemp("permissions") / "demo.sqlite3")


@pytest.fixture(scope="module", autouse=True)
def _quick_pdfs():
    """Forms are laid out as HTML and their PDF stubbed: who gets a form is the question here,
    not its layout (tests/test_web_documents.py prints them)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("isobpmn.forms.render_pdf", lambda html, *a, **k: b"%PDF-1.7 stub")
        yield


def _app(world: World, path: Path):
    from isobpmn.engine import ManualClock
    from isobpmn.services import Services
    from isobpmn.store import Database

    shutil.copyfile(world.path, path)
    db = Database.from_url(f"sqlite:///{path}")
    return make_app(Services(db, ManualClock(NOW))), db


@pytest.fixture(scope="module")
def reader(world, tmp_path_factory):
    """One app for every request that changes nothing."""
    app, db = _app(world, tmp_path_factory.mktemp("reader") / "demo.sqlite3")
    yield app
    db.dispose()


# -- the requests ---------------------------------------------------------------------------


def _values(world: World, endpoint: str, argument: str) -> list[Value]:
    blueprint = endpoint.partition(".")[0] if "." in endpoint else ""
    for key in ((endpoint, argument), (blueprint, argument), ("", argument)):
        if key in world.values:
            return world.values[key]
    raise AssertionError(f"no value for <{argument}> of {endpoint}: add one to the values of "
                         "tests/test_web_permissions.py (_seed)")


def _queries(world: World, endpoint: str) -> list[tuple[dict, frozenset[str]]]:
    """Query strings to try on ``endpoint``, with the agencies they name."""
    if endpoint.startswith(AGENCY_QUERY):
        named = [({"agency": a}, frozenset({a})) for a in COMMUNES]
        return named if endpoint.startswith(REPORTS) else [({}, frozenset()), *named]
    if endpoint == "procedures.diff":
        return [({"tu": world.version["published"], "den": world.version["published"]},
                 frozenset()),
                *(({"tu": world.version[a], "den": world.version[a]}, frozenset({a}))
                  for a in COMMUNES)]
    return [({}, frozenset())]


def _api_bodies(world: World, endpoint: str) -> list[tuple[dict, frozenset[str]]]:
    """Complete JSON bodies for an API operation, with the agencies they name."""
    from isobpmn.web.api.operations import find_operation

    op = find_operation(endpoint)
    if op is None or op.body is None:
        return [({}, frozenset())]
    sample = {"procedure": HKD, "applicant": "Nguyễn Văn Kiểm", "reason": REASON,
              "note": REASON, "receiver": "Nguyễn Văn Kiểm", "signer": "chutich",
              "new_appointment": "2026-03-31T10:00:00+07:00"}
    body = {p.name: sample[p.name] for p in op.body
            if p.name != "agency" and (p.required or p.name in sample)}
    if "agency" in {p.name for p in op.body}:
        return [({**body, "agency": a}, frozenset({a})) for a in COMMUNES]
    return [(body, frozenset())]


def _json_bodies(world: World) -> dict[str, dict]:
    """The bodies of the web endpoints that read JSON rather than a form."""
    return {"procedures.save": {"xml": world.diagram, "lock": 0},
            "procedures.validate": {"xml": world.diagram}}


def probes(app, world: World, method: str) -> list[Probe]:
    """Every request of the matrix for ``method``: each rule with each combination of values
    for its URL parts, each query string and body that names an agency."""
    out = []
    json_bodies = _json_bodies(world)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if method not in rule.methods:
            continue
        names = sorted(rule.arguments)
        choices = [_values(world, rule.endpoint, name) for name in names]
        for combo in itertools.product(*choices):
            path = rule.build({n: v.text for n, v in zip(names, combo)}, append_unknown=False)[1]
            named = frozenset(v.agency for v in combo if v.agency is not None)
            for query, queried in _queries(world, rule.endpoint):
                url = path + ("?" + urlencode(query) if query else "")
                if rule.endpoint.startswith("api.") and method == "POST":
                    for body, bodied in _api_bodies(world, rule.endpoint):
                        out.append(Probe(rule.endpoint, method, url, named | queried | bodied,
                                         body))
                else:
                    out.append(Probe(rule.endpoint, method, url, named | queried,
                                     json_bodies.get(rule.endpoint)))
    return out


# -- what each request must get -------------------------------------------------------------


def expectation(app, world: World, user: str, probe: Probe) -> str:
    """``public``, ``sign-in``, ``forbidden``, ``outside`` (the agency boundary) or
    ``allowed``, from the endpoint's declaration and the agencies of the probe's objects."""
    from isobpmn.web.context import declared_permission

    permission = declared_permission(app, probe.endpoint)
    if permission.kind == "public":
        return "public"
    if user == ANONYMOUS:
        return "sign-in"
    admin = user in world.admins
    held = world.roles[user]
    if permission.kind == "admin" and not admin:
        return "forbidden"
    if permission.kind == "roles" and not admin \
            and not any(set(permission.roles) & r for r in held.values()):
        return "forbidden"
    if admin:
        return "allowed"
    if permission.kind == "roles":
        reach = {a for a, r in held.items() if set(permission.roles) & r}
    elif probe.endpoint.startswith(REPORTS):
        reach = {a for a in world.ancestors if world.ancestors[a] & set(held)}
    else:
        reach = set(held)
    return "allowed" if probe.agencies <= reach else "outside"


class Watch:
    """Whether a request changed what is stored in the SQLite file at ``path``: SQLite counts
    the commits of other connections (``PRAGMA data_version``); after one, a digest of every
    table (but the bookkeeping of an API token's last use) tells whether anything changed.
    The events are append-only: their count and newest id stand for them."""

    SPECIAL: ClassVar[dict[str, str]] = {
        "events": "SELECT count(*), max(id) FROM events",
        "procedure_versions": "SELECT id, status, lock_version, content_hash "
                              "FROM procedure_versions ORDER BY id",
        "case_states": "SELECT case_id, version FROM case_states ORDER BY case_id",
        "api_tokens": "SELECT id, user_id, name, token_hash, revoked_at FROM api_tokens "
                      "ORDER BY id"}

    def __init__(self, path: Path) -> None:
        self.con = sqlite3.connect(path)
        self.version = self._version()
        self.digest = self._digest()

    def _version(self) -> int:
        return self.con.execute("PRAGMA data_version").fetchone()[0]

    def _digest(self) -> str:
        digest = hashlib.sha256()
        for (table,) in self.con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "ORDER BY name").fetchall():
            query = self.SPECIAL.get(table, f'SELECT * FROM "{table}" ORDER BY rowid')
            digest.update(table.encode() + repr(self.con.execute(query).fetchall()).encode())
        return digest.hexdigest()

    def changed(self) -> bool:
        """Whether anything changed since the last call."""
        version = self._version()
        if version == self.version:
            return False
        self.version, before = version, self.digest
        self.digest = self._digest()
        return self.digest != before

    def close(self) -> None:
        self.con.close()


def _to_sign_in(response) -> bool:
    return response.status_code == 302 and "/dang-nhap" in response.headers.get("Location", "")


def verdict(expected: str, probe: Probe, response, changed: bool) -> str | None:
    """What is wrong with ``response`` (None: nothing)."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if changed and (expected != "allowed" or status == 403):
        return f"answered {status} but changed the database"
    if expected == "public":
        return f"refused with {status}" if status == 403 else None
    if expected == "sign-in":
        if probe.api:
            return None if status == 401 else f"expected 401, got {status}"
        return None if _to_sign_in(response) else f"expected the sign-in page, got {status}"
    if expected == "forbidden":
        return None if status == 403 else f"expected 403, got {status}"
    if expected == "outside":
        return None if status in (403, 404) else \
            f"expected 403 or 404 (an object of {', '.join(sorted(probe.agencies))}), got " \
            f"{status} {response.headers.get('Location', '')}".rstrip()
    if status == 401 or _to_sign_in(response):
        return f"signed in, yet answered {status}"
    if probe.method == "GET" and status == 403:
        return "the declaration admits the user, yet answered 403"
    return None


@dataclass
class Tally:
    """The figures of a run of the matrix."""

    requests: int = 0
    routes: set[str] = field(default_factory=set)
    users: set[str] = field(default_factory=set)
    kinds: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    #: refused requests answered 2xx, or that changed the database
    unauthorized_successes: int = 0
    #: requests that changed the database (allowed ones)
    changes: int = 0
    #: user → agencies whose objects they were refused (the agency boundary)
    crossed: dict[str, set[str]] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        self.requests += other.requests
        self.routes |= other.routes
        self.users |= other.users
        self.kinds.update(other.kinds)
        self.problems += other.problems
        self.unauthorized_successes += other.unauthorized_successes
        self.changes += other.changes
        for user, agencies in other.crossed.items():
            self.crossed.setdefault(user, set()).update(agencies)

    def line(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.kinds.items()))
        return (f"{len(self.routes)} routes × {len(self.users)} roles: {self.requests} requests "
                f"({kinds}), {self.changes} changed data; unauthorized successes: "
                f"{self.unauthorized_successes}")


TOTAL = Tally()


class Caller:
    """Requests as one user: the session names them (no password round trip), the API gets
    their bearer token."""

    def __init__(self, app, world: World, user: str) -> None:
        self.world, self.user = world, user
        self.web, self.api = app.test_client(), app.test_client()

    def __call__(self, probe: Probe):
        if probe.api:
            headers = {} if self.user == ANONYMOUS else \
                {"Authorization": f"Bearer {self.world.tokens[self.user]}"}
            return self.api.open(probe.url, method=probe.method, headers=headers,
                                 json=probe.json if probe.method == "POST" else None)
        with self.web.session_transaction() as session:
            session.clear()
            if self.user != ANONYMOUS:
                session["user"] = self.user
        if probe.json is not None:
            return self.web.open(probe.url, method=probe.method, json=probe.json)
        return self.web.open(probe.url, method=probe.method,
                             data=FORM if probe.method == "POST" else None)


def run(app, world: World, users: list[str], method: str, path: Path | None) -> Tally:
    """Every probe of ``method`` as each of ``users``; with ``path`` (the app's database),
    each request is checked to change nothing unless it was allowed."""
    tally = Tally()
    all_probes = probes(app, world, method)
    watch = Watch(path) if path is not None else None
    for user in users:
        call = Caller(app, world, user)
        for probe in all_probes:
            expected = expectation(app, world, user, probe)
            response = call(probe)
            response.close()
            changed = watch is not None and watch.changed()
            tally.requests += 1
            tally.routes.add(probe.endpoint)
            tally.users.add(user)
            tally.kinds[expected] += 1
            tally.changes += changed
            if expected == "outside":
                tally.crossed.setdefault(user, set()).update(probe.agencies)
            problem = verdict(expected, probe, response, changed)
            if problem is None:
                continue
            if expected in ("sign-in", "forbidden", "outside") \
                    and (200 <= response.status_code < 300 or changed):
                tally.unauthorized_successes += 1
            tally.problems.append(f"{probe.method} {probe.url} as {_who(world, user)}: "
                                  f"{problem}")
    if watch is not None:
        watch.close()
    return tally


def _who(world: World, user: str) -> str:
    if user == ANONYMOUS:
        return user
    held = "; ".join(f"{agency}: {', '.join(sorted(codes))}"
                     for agency, codes in sorted(world.roles[user].items()))
    return f"{user} [{held or 'administrator'}]"


def _report(tally: Tally, world: World, record_property, title: str) -> None:
    TOTAL.add(tally)
    print(f"\n{title}: {tally.line()}")
    record_property("routes", len(tally.routes))
    record_property("roles", len(tally.users))
    record_property("requests", tally.requests)
    record_property("unauthorized_successes", tally.unauthorized_successes)
    for user in tally.users - {ANONYMOUS} - world.admins:
        for commune in set(COMMUNES) - set(world.roles[user]):
            assert commune in tally.crossed.get(user, ()), \
                f"{user} was never refused an object of {commune}: the matrix misses the boundary"
    shown = "\n".join(tally.problems[:60])
    more = f"\n… and {len(tally.problems) - 60} more" if len(tally.problems) > 60 else ""
    assert not tally.problems, f"{len(tally.problems)} answers disagree with the " \
                               f"declarations:\n{shown}{more}"


# -- the tests ------------------------------------------------------------------------------


def test_every_endpoint_declares_a_permission(reader):
    assert undeclared(reader) == []


def test_a_route_without_a_declaration_is_reported(world, tmp_path):
    app, db = _app(world, tmp_path / "demo.sqlite3")
    try:
        app.add_url_rule("/thu-nghiem", "thu_nghiem", lambda: "ai cũng xem được")
        [problem] = undeclared(app)
        assert problem.startswith("thu_nghiem (/thu-nghiem) declares no permission")
        assert "@public" in problem and "@login_required" in problem
    finally:
        db.dispose()


def test_declarations_are_the_kinds_the_matrix_knows(reader):
    from isobpmn.web.context import declared_permission

    kinds = Counter(declared_permission(reader, e).kind for e in reader.view_functions)
    assert set(kinds) == {"public", "signed-in", "roles", "admin", "token"}, kinds


def test_the_watch_sees_a_change_and_only_one(world, tmp_path):
    from isobpmn.engine import ManualClock
    from isobpmn.services import Services
    from isobpmn.store import Database

    path = tmp_path / "demo.sqlite3"
    shutil.copyfile(world.path, path)
    db = Database.from_url(f"sqlite:///{path}")
    watch = Watch(path)
    try:
        services = Services(db, ManualClock(NOW))
        services.case_view(world.values[("cases", "code")][0].text, actor="motcua")
        assert not watch.changed()
        services.claim(world.values[("", "task_id")][0].text, "motcua")
        assert watch.changed() and not watch.changed()
    finally:
        watch.close()
        db.dispose()


def test_an_unknown_token_is_401_on_every_api_route(reader, world):
    from isobpmn.web.context import TOKEN, declared_permission

    client = reader.test_client()
    routes = [p for method in ("GET", "POST") for p in probes(reader, world, method)
              if p.api and declared_permission(reader, p.endpoint) == TOKEN]
    assert routes
    for probe in routes:
        response = client.open(probe.url, method=probe.method, json=probe.json,
                               headers={"Authorization": "Bearer isb_nobody"})
        response.close()
        assert response.status_code == 401, (probe.method, probe.url)


def test_reads_match_the_declarations(reader, world, record_property):
    _report(run(reader, world, world.users, "GET", None), world, record_property, "GET")


def _demo_users() -> list[str]:
    from isobpmn.services.demo_data import STAFF

    return [*(username for username, *_ in STAFF), ANONYMOUS]


@pytest.mark.parametrize("user", _demo_users())
def test_changes_match_the_declarations(world, user, tmp_path, record_property):
    app, db = _app(world, tmp_path / "demo.sqlite3")
    try:
        assert user in world.users, f"{user} is not a user of the seeded demo"
        tally = run(app, world, [user], "POST", tmp_path / "demo.sqlite3")
    finally:
        db.dispose()
    _report(tally, world, record_property, f"POST as {user}")


def test_matrix_figures():
    """The figures of the run so far (``pytest -s`` shows them)."""
    print(f"\npermission matrix: {TOTAL.line()}")
    assert TOTAL.unauthorized_successes == 0
