"""Running ``isobpmn validate`` over many files: in this process, or in worker processes.

Both ways do the same two passes: read every file, build the :class:`~isobpmn.lint.Library`
(facts across files), then lint each file with its configuration. With workers, each takes a
contiguous slice of the files, reads it, sends its slice's library facts, receives the merged
library and lints its slice; parsed documents never cross a process boundary (lxml trees cannot
be pickled, and re-reading would double the dominant cost). The report is the same either way,
in the same order.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from isobpmn.cli.files import display_path
from isobpmn.cli.formats import FileReport, RunReport
from isobpmn.lint import ConfigFinder, LintConfig, Library, lint_document
from isobpmn.lint.runner import read_path_for_lint

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

#: Below this many files per worker, starting workers costs more than it saves.
MIN_FILES_PER_JOB = 20
MAX_AUTO_JOBS = 8

Step = Callable[[], None]


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # respects CPU pinning and container limits
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def plan_jobs(requested: int, files: int, cpus: int | None = None) -> int:
    """How many worker processes to use: ``requested`` (0 = one per CPU, at most
    :data:`MAX_AUTO_JOBS`), fewer when there are not :data:`MIN_FILES_PER_JOB` files for each;
    1 means no workers at all."""
    wanted = requested or min(cpus or available_cpus(), MAX_AUTO_JOBS)
    return max(1, min(wanted, files // MIN_FILES_PER_JOB))


@dataclass(frozen=True)
class Slice:
    """What one worker validates; picklable, so it also works where workers are spawned."""

    paths: tuple[Path, ...]
    names: tuple[str, ...]
    config_file: Path | None
    preset: str | None


def check_files(files: Sequence[Path], finder: ConfigFinder, base: Path, step: Step = lambda: None,
                jobs: int = 1) -> tuple[RunReport, list[LintConfig]]:
    """Validate ``files`` as one library with ``jobs`` processes (see :func:`plan_jobs`).

    Config errors are raised before any file is read; ``step`` is called once per file read and
    once per file linted (for a progress bar)."""
    configs = [finder.for_file(path) for path in files]
    names = [display_path(path, base) for path in files]
    if jobs <= 1:
        read = _read(files, names, step)
        library = Library.of(result[0] for result, _ in read if not isinstance(result, list))
        reports = _lint(read, names, configs, library, step)
    else:
        bounds = [len(files) * i // jobs for i in range(jobs + 1)]
        slices = [Slice(tuple(files[a:b]), tuple(names[a:b]), finder.explicit, finder.preset)
                  for a, b in zip(bounds, bounds[1:])]
        reports = _in_workers(slices, step)
    return RunReport(tuple(reports)), configs


def _read(paths: Sequence[Path], names: Sequence[str], step: Step) -> list:
    read = []
    for path, name in zip(paths, names):
        start = time.perf_counter()
        read.append((read_path_for_lint(path, name), time.perf_counter() - start))
        step()
    return read


def _lint(read: list, names: Sequence[str], configs: Sequence[LintConfig], library: Library,
          step: Step) -> list[FileReport]:
    reports = []
    for index, (name, config) in enumerate(zip(names, configs)):
        result, seconds = read[index]
        read[index] = None  # the tree is not needed any more: keep memory flat
        if isinstance(result, list):
            reports.append(FileReport(name, tuple(result), (), seconds))
        else:
            start = time.perf_counter()
            findings = lint_document(result[0], result[1], config, library)
            seconds += time.perf_counter() - start
            reports.append(FileReport(name, tuple(findings), config.enabled(), seconds))
        step()
    return reports


def _worker(conn: Connection, part: Slice) -> None:
    """One worker: read its slice, share the slice's library, lint with the whole library."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    try:
        finder = ConfigFinder(part.config_file, part.preset)
        configs = [finder.for_file(path) for path in part.paths]
        progress = lambda: conn.send(("step", None))  # noqa: E731
        read = _read(part.paths, part.names, progress)
        conn.send(("library", Library.of(r[0] for r, _ in read if not isinstance(r, list))))
        library = conn.recv()
        conn.send(("reports", _lint(read, part.names, configs, library, progress)))
    except Exception as exc:  # reported by the main process as one line, not a traceback here
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _in_workers(slices: list[Slice], step: Step) -> list[FileReport]:
    import multiprocessing  # only here: a small run does not pay for importing it
    from multiprocessing.connection import wait

    # fork is fast and shares what is already imported; elsewhere (macOS, Windows) spawn.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    pipes, processes = [], []
    for part in slices:
        parent, child = context.Pipe()
        process = context.Process(target=_worker, args=(child, part), daemon=True)
        process.start()
        child.close()
        pipes.append(parent)
        processes.append(process)
    libraries: dict[int, Library] = {}
    reports: dict[int, list[FileReport]] = {}
    try:
        while len(reports) < len(pipes):
            for conn in wait([p for i, p in enumerate(pipes) if i not in reports]):
                index = pipes.index(conn)
                try:
                    kind, payload = conn.recv()
                except EOFError:
                    raise WorkerError(processes[index].exitcode) from None
                if kind == "step":
                    step()
                elif kind == "error":
                    raise WorkerError(processes[index].exitcode, payload)
                elif kind == "library":
                    libraries[index] = payload
                    if len(libraries) == len(pipes):
                        merged = Library.merge(libraries[i] for i in range(len(pipes)))
                        for pipe in pipes:
                            pipe.send(merged)
                else:
                    reports[index] = payload
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
    return [report for i in range(len(pipes)) for report in reports[i]]


class WorkerError(RuntimeError):
    """A worker process ended without its report (killed, out of memory, crashed)."""

    def __init__(self, exitcode: int | None, detail: str = ""):
        what = detail or f"exit code {exitcode}"
        super().__init__(f"a worker process stopped unexpectedly ({what}); "
                         "run again with --jobs 1 to validate in one process")
