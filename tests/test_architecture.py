"""The layers of docs/architecture.md hold: contracts cover every package, light paths stay light."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import isobpmn

ROOT = Path(__file__).resolve().parents[1]


def _layer_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    names = set()
    for layer in layers:
        for part in layer.split("|"):
            names.add(part.strip().strip("()"))
    return names


def test_every_subpackage_is_in_the_layers_contract():
    packages = {f"isobpmn.{m.name}" for m in pkgutil.iter_modules(isobpmn.__path__) if m.ispkg}
    missing = packages - _layer_modules()
    assert not missing, (
        f"packages {sorted(missing)} are not placed in the layers contract of pyproject.toml "
        "([tool.importlinter]); add them to the right layer"
    )


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout


def _modules_after(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sorted(sys.modules)))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )
    return set(result.stdout.split())


HEAVY = ("flask", "sqlalchemy", "SpiffWorkflow", "jinja2")


def test_reading_procedures_stays_light():
    loaded = _modules_after(
        "from isobpmn.model import read_procedure\n"
        "from isobpmn.calendar import WorkingCalendar\n"
        "read_procedure('examples/xac-nhan-tinh-trang-hon-nhan.bpmn')"
    )
    assert not [m for m in loaded if m.split(".")[0] in HEAVY]
    assert "click" not in loaded


def test_cli_procedures_list_stays_light():
    loaded = _modules_after(
        "from isobpmn.cli import main\n"
        "try:\n    main(['procedures', 'list', 'examples'])\nexcept SystemExit:\n    pass"
    )
    assert not [m for m in loaded if m.split(".")[0] in HEAVY]


def test_version_loads_no_command_module():
    loaded = _modules_after(
        "from isobpmn.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass"
    )
    assert "isobpmn.cli.procedures" not in loaded
    assert "lxml" not in loaded and "holidays" not in loaded
