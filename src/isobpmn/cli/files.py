"""Which files a command works on: paths, directories and globs as a user types them."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

GLOB_CHARS = frozenset("*?[")


class PathsError(ValueError):
    """A path argument that names nothing to work on; the message says which and why."""


#: Folders a directory walk never enters besides hidden ones: installed JavaScript packages.
SKIPPED_FOLDERS = frozenset({"node_modules"})


def find_bpmn_files(directory: Path) -> list[Path]:
    """Every ``*.bpmn`` file under ``directory``, sorted; hidden folders and ``node_modules``
    skipped."""
    return sorted(p for p in directory.rglob("*.bpmn") if p.is_file() and not any(
        part.startswith(".") or part in SKIPPED_FOLDERS for part in p.relative_to(directory).parts))


def expand_paths(arguments: Iterable[str]) -> list[Path]:
    """The files named by ``arguments``, in argument order, each once.

    A file is taken whatever its name; a directory gives its ``*.bpmn`` files recursively
    (hidden folders and ``node_modules`` skipped); a glob (``bpmn/**/*.bpmn``, ``*.bpmn``; ``**`` spans folders) gives
    the ``*.bpmn`` files it matches, and the ``*.bpmn`` files of folders it matches. An argument
    that gives no file at all is an error: in CI that is a typo, not a clean library.
    """
    files: list[Path] = []
    seen: set[Path] = set()
    for argument in arguments:
        found = _expand(argument)
        if not found:
            raise PathsError(_nothing(argument))
        for path in found:
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files


def _expand(argument: str) -> list[Path]:
    path = Path(argument)
    if path.is_dir():
        return find_bpmn_files(path)
    if path.exists():
        return [path]
    if not GLOB_CHARS & set(argument):
        return []
    found: list[Path] = []
    for match in sorted(glob.glob(argument, recursive=True)):
        candidate = Path(match)
        if candidate.is_dir():
            found.extend(find_bpmn_files(candidate))
        elif candidate.suffix == ".bpmn" and candidate.is_file():
            found.append(candidate)
    return found


def _nothing(argument: str) -> str:
    path = Path(argument)
    if path.is_dir():
        return f"{argument}: no .bpmn files in this folder"
    if GLOB_CHARS & set(argument):
        return f"{argument}: no .bpmn file matches this pattern"
    return f"{argument}: no such file or folder"


def display_path(path: Path, base: Path | None = None) -> str:
    """How a file is named in reports: relative to ``base`` (the working directory) when it is
    below it, with ``/`` separators; else the path as given."""
    base = base or Path.cwd()
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix() if not path.is_absolute() else os.path.normpath(path).replace(os.sep, "/")
