"""Server time of the modeler's live validation, against the target of 100 ms per call.

``Services.validate_bpmn`` (what the modeler calls on each change) on the library's building
permit diagram (cấp giấy phép xây dựng: 25 flow nodes, 25 sequence flows, 5 lanes, with its
diagram interchange), under the ``recommended`` and ``strict`` presets. The first call builds
the preset's configuration and is shown apart; then the median and 95th percentile of N calls.
Figures only: nothing here is asserted.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from isobpmn.engine import SystemClock
from isobpmn.model import read_document
from isobpmn.services import Services
from isobpmn.store import Database

ROOT = Path(__file__).resolve().parents[1]
DIAGRAM = ROOT / "bpmn" / "cap-giay-phep-xay-dung-nha-o-rieng-le.bpmn"
CALLS = 60
TARGET_MS = 100.0


def main() -> int:
    xml = DIAGRAM.read_bytes()
    procedure = read_document(xml).procedure
    elements = len(procedure.nodes) + len(procedure.flows) + len(procedure.lanes)
    with tempfile.TemporaryDirectory() as scratch:  # validation never opens the database
        db = Database.from_url(f"sqlite:///{scratch}/bench.sqlite3")
        services = Services(db, SystemClock())
        print(f"validate_bpmn on {DIAGRAM.name}: {elements} process elements, "
              f"{len(xml) // 1024} kB; target {TARGET_MS:.0f} ms")
        print(f"{'preset':12} {'first ms':>9} {'median ms':>10} {'p95 ms':>8} {'findings':>9}")
        for preset in ("recommended", "strict"):
            start = time.perf_counter()
            result = services.validate_bpmn(xml, preset=preset)
            first = (time.perf_counter() - start) * 1000
            times = []
            for _ in range(CALLS):
                start = time.perf_counter()
                services.validate_bpmn(xml, preset=preset)
                times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{preset:12} {first:9.1f} {statistics.median(times):10.1f} {p95:8.1f} "
                  f"{len(result.findings):9d}")
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
