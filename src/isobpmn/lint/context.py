"""What a rule sees: the parsed document, its tree, its options, and the rest of the library."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from isobpmn.lint.config import LintConfig
from isobpmn.lint.finding import Severity
from isobpmn.lint.rule import Report
from isobpmn.lint.scripts import Site, sites
from isobpmn.model import BpmnDocument, FlowNode, ModelError, Procedure, ProcedureKind
from isobpmn.model.reader import main_process


@dataclass
class Library:
    """Facts across all files of one run: document codes and process ids, for rules that
    look beyond one file (unique codes, call activities)."""

    codes: dict[str, list[str]] = field(default_factory=dict)
    processes: dict[str, str] = field(default_factory=dict)
    complete: bool = False  # True when every file of the library was read

    def add(self, document: BpmnDocument) -> None:
        for process in document.processes:
            self.processes.setdefault(process.bpmn_id, document.source)
            if process.info and process.info.document.code:
                self.codes.setdefault(process.info.document.code, []).append(document.source)

    @classmethod
    def of(cls, documents: Iterable[BpmnDocument]) -> Library:
        library = cls(complete=True)
        for document in documents:
            library.add(document)
        return library

    @classmethod
    def merge(cls, parts: Iterable[Library]) -> Library:
        """One library from the libraries of consecutive slices of a run (worker processes),
        equal to :meth:`of` over all their documents in the same order."""
        library = cls(complete=True)
        for part in parts:
            for code, sources in part.codes.items():
                library.codes.setdefault(code, []).extend(sources)
            for process_id, source in part.processes.items():
                library.processes.setdefault(process_id, source)
            library.complete = library.complete and part.complete
        return library


class LintContext:
    """Passed to each rule's ``check``."""

    def __init__(self, document: BpmnDocument, tree: etree._Element, config: LintConfig,
                 library: Library | None = None):
        self.document = document
        self.tree = tree
        self.config = config
        if library is None:  # one file on its own: other files of the library are unknown
            library = Library(complete=False)
            library.add(document)
        self.library = library
        self.options: Mapping[str, Any] = {}
        self._sites: list[Site] | None = None
        try:
            self.procedure: Procedure | None = main_process(document)
        except ModelError:
            self.procedure = None

    @property
    def code_sites(self) -> list[Site]:
        """Every expression and script of the file (computed once, shared by the rules)."""
        if self._sites is None:
            self._sites = sites(self.tree)
        return self._sites

    @property
    def processes(self) -> tuple[Procedure, ...]:
        return self.document.processes

    def iso_procedures(self, kind: ProcedureKind | None = None) -> Iterator[Procedure]:
        """Processes that carry ``iso:procedure`` (of ``kind``, when given): what the ISO
        documentation rules look at."""
        for process in self.document.processes:
            if process.info is not None and (kind is None or process.info.kind is kind):
                yield process

    def nodes(self) -> Iterator[tuple[Procedure, FlowNode]]:
        for process in self.document.processes:
            for node in process.nodes.values():
                yield process, node

    def name(self, bpmn_id: str | None) -> str:
        info = self.document.index.get(bpmn_id or "")
        return info.name if info else ""

    def label(self, bpmn_id: str) -> str:
        """How an element is named in a message: its name in quotes, else its id."""
        name = self.name(bpmn_id)
        return f'"{name}"' if name else bpmn_id

    @staticmethod
    def report(bpmn_id: str | None, message: str, line: int | None = None,
               severity: Severity | None = None) -> Report:
        return Report(bpmn_id, message, line, severity)
