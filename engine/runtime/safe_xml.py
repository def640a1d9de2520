"""Reading uploaded BPMN/DMN bytes without trusting them.

Bundles are uploaded by designers through the API, so the XML is hostile until proven otherwise: no
DTDs, no entity expansion (billion laughs), no network access, no huge trees.  A DOCTYPE is refused
outright — BPMN and DMN never need one.  Bytes go straight to lxml (never through a locale-dependent
text decode, which breaks on Chinese names under a C locale).

XSD validation uses the schemas shipped with SpiffWorkflow (BPMN 2.0 + the spiffworkflow extension,
DMN 1.1-1.3) and reports *every* schema error with its line, not just the first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as DMN_SCHEMAS
from SpiffWorkflow.spiff.parser.process import VALIDATOR as BPMN_VALIDATOR

from .errors import Problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
MAX_PROBLEMS_PER_FILE = 50

# lxml schema objects keep their error log on the instance; deploys are rare, so one lock is enough.
_schema_lock = threading.Lock()


@dataclass(frozen=True)
class Document:
    """One parsed bundle file."""

    name: str
    kind: str  # 'bpmn' | 'dmn'
    root: etree._Element


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def read(name: str, content: bytes) -> tuple[Document | None, list[Problem]]:
    """Parse one file; return the document (or None) and the problems that make it unusable."""
    if not isinstance(content, bytes | bytearray):
        return None, [Problem(name, None, "file content must be bytes")]
    try:
        tree = etree.fromstring(bytes(content), _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else None
        return None, [Problem(name, None, f"malformed XML: {exc.msg}", line)]
    except Exception as exc:  # lxml raises a few other error types on hostile input
        return None, [Problem(name, None, f"unreadable XML: {type(exc).__name__}: {exc}")]
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        return None, [Problem(name, None, "DOCTYPE/ENTITY declarations are not allowed in BPMN or DMN files", 1)]
    root = tree.getroot()
    namespace = etree.QName(root).namespace
    if namespace == BPMN_NS:
        kind = "bpmn"
    elif namespace in DMN_SCHEMAS:
        kind = "dmn"
    else:
        return None, [
            Problem(name, None, f"not a BPMN 2.0 or DMN document (root element {root.tag!r})", root.sourceline)
        ]
    if etree.QName(root).localname != "definitions":
        return None, [Problem(name, None, "the root element must be definitions", root.sourceline)]
    return Document(name, kind, root), []


def _load_dmn_schemas() -> dict[str, etree.XMLSchema]:
    """Loaded once at import (a few ms) so nothing is filled in lazily while requests run."""
    schemas: dict[str, etree.XMLSchema] = {}
    for namespace, path in DMN_SCHEMAS.items():
        try:
            schemas[namespace] = BpmnValidator(path).validator
        except etree.XMLSchemaParseError:
            # Spiff 3.2.0 ships a DMN 1.2 schema that lxml cannot load (an unresolved DMNDI import);
            # files in that version are then checked by the parser only.
            continue
    return schemas


_DMN_SCHEMAS = _load_dmn_schemas()


def validate(document: Document) -> list[Problem]:
    """Every XSD violation of the document, each with its line and (when on that line) element id."""
    root = document.root
    with _schema_lock:
        if document.kind == "bpmn":
            BPMN_VALIDATOR.preprocess(root)  # the same bpmn-js workaround Spiff applies before validating
            schema = BPMN_VALIDATOR.validator
        else:
            schema = _DMN_SCHEMAS.get(etree.QName(root).namespace)
        if schema is None or schema.validate(root):
            return []
        errors = [(error.line, error.message) for error in schema.error_log]
    ids_by_line: dict[int, str] = {}
    for element in root.iter():
        element_id = element.get("id") if isinstance(element.tag, str) else None
        if element_id and element.sourceline not in ids_by_line:
            ids_by_line[element.sourceline] = element_id
    problems = [
        Problem(document.name, ids_by_line.get(line), f"schema: {message}", line or None)
        for line, message in errors[:MAX_PROBLEMS_PER_FILE]
    ]
    if len(errors) > MAX_PROBLEMS_PER_FILE:
        problems.append(Problem(document.name, None, f"schema: {len(errors) - MAX_PROBLEMS_PER_FILE} more errors"))
    return problems
