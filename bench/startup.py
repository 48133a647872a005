"""Start-up time of the command line, against the target of 150 ms for ``isobpmn --version``.

Anchor: a bare ``python -c pass`` measured in the same run, so the figure shows what isobpmn
adds to the interpreter's own start. Prints the median of N runs of each command.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 15
TARGET_MS = 150.0
BIN = Path(sys.executable).parent


def measure(argv: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    isobpmn = str(BIN / "isobpmn")
    anchor = measure([sys.executable, "-c", "pass"])
    rows = [
        ("python -c pass (anchor)", anchor),
        ("isobpmn --version", measure([isobpmn, "--version"])),
        ("isobpmn --help", measure([isobpmn, "--help"])),
        ("isobpmn procedures list bpmn", measure([isobpmn, "procedures", "list", "bpmn"])),
    ]
    print(f"{'command':34} {'median ms':>10} {'x anchor':>9}")
    for name, ms in rows:
        print(f"{name:34} {ms:10.1f} {ms / anchor:9.2f}")
    version_ms = rows[1][1]
    verdict = "OK" if version_ms < TARGET_MS else "OVER TARGET"
    print(f"isobpmn --version: {version_ms:.1f} ms, target < {TARGET_MS:.0f} ms: {verdict}")
    return 0 if version_ms < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
