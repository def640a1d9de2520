"""A bundle's JSON files as documents and as a ``referencing`` Registry: ``$ref`` resolution never leaves the bundle.

Each file is registered under a URI made from its relative name below a base that cannot be fetched
(``https://bundle.yijian.invalid/``; the registry has no retriever anyway), so
``"$ref": "common/applicant.schema.json"`` in ``restaurant.schema.json`` and ``"$ref": "../x.schema.json"`` in
``common/a.schema.json`` resolve the way relative paths do. Parsing and registry building are cached by a digest
of the JSON files' contents, since validation runs per request and a bundle version never changes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import urldefrag, urljoin

from referencing import Registry
from referencing._core import Resolver  # not re-exported by referencing; used for typing
from referencing.jsonschema import DRAFT202012

from engine.forms.problems import FormProblem

BASE_URI = "https://bundle.yijian.invalid/"


def uri_of(name: str) -> str:
    """The registry URI of a bundle file."""
    return urljoin(BASE_URI, name)


def file_of(uri: str) -> str | None:
    """The bundle file a (possibly relative-resolved) URI points into, or ``None`` if it is outside the bundle."""
    document, _ = urldefrag(uri)
    return document[len(BASE_URI) :] if document.startswith(BASE_URI) else None


class _DuplicateKey(ValueError):
    pass


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON allows repeated keys and Python keeps the last one silently; in a form that hides a designer's
    mistake (two ``properties`` blocks), so it is an error here."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@lru_cache(maxsize=2048)
def _parse(content: bytes) -> tuple[Any, tuple[str, str, int | None, int | None] | None]:
    """(document, None) or (None, (message, message_en, line, column)); cached by content, so documents are shared
    and must never be mutated."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, ("不是 UTF-8 编码的文本", f"not UTF-8 text ({error.reason})", None, None)
    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates, parse_constant=_reject_constant), None
    except json.JSONDecodeError as error:
        return None, (f"JSON 格式错误：{error.msg}", f"invalid JSON: {error.msg}", error.lineno, error.colno)
    except _DuplicateKey as error:
        return None, (f"JSON 对象中的键重复：{error}", f"duplicate key in a JSON object: {error}", None, None)
    except ValueError as error:
        return None, (f"JSON 格式错误：{error}", f"invalid JSON: {error}", None, None)


def parse_file(name: str, content: bytes) -> tuple[Any, FormProblem | None]:
    """Parse one file of a bundle; a problem carries the line and column of a syntax error."""
    document, error = _parse(content)
    if error is None:
        return document, None
    message, message_en, line, column = error
    return None, FormProblem(file=name, kind="json", message=message, message_en=message_en, line=line, column=column)


def digest(files: Mapping[str, bytes]) -> str:
    """Content hash of the files a form can involve (every ``.json`` file; BPMN does not change a form)."""
    h = hashlib.sha256()
    for name in sorted(files):
        if name.endswith(".json"):
            h.update(name.encode())
            h.update(b"\0")
            h.update(hashlib.sha256(files[name]).digest())
    return h.hexdigest()


@dataclass(frozen=True, eq=False)
class BundleDocs:
    """Parsed JSON files of one bundle and the registry over them. Shared and cached: read only."""

    digest: str
    documents: Mapping[str, Any]
    problems: Mapping[str, FormProblem]
    registry: Registry = field(repr=False)

    def resolver(self, name: str) -> Resolver:
        """A resolver whose base is the file ``name``, for refs written in that file."""
        return self.registry.resolver(base_uri=uri_of(name))


class _Key:
    """Hashes by digest only, so the lru_cache below keys on content while still receiving the files."""

    __slots__ = ("digest", "files")

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.files = files
        self.digest = digest(files)

    def __hash__(self) -> int:
        return hash(self.digest)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and other.digest == self.digest


@lru_cache(maxsize=256)
def _load(key: _Key) -> BundleDocs:
    documents: dict[str, Any] = {}
    problems: dict[str, FormProblem] = {}
    resources = []
    for name, content in key.files.items():
        if not name.endswith(".json"):
            continue
        document, problem = parse_file(name, content)
        if problem is not None:
            problems[name] = problem
            continue
        documents[name] = document
        if isinstance(document, dict | bool):
            resources.append((uri_of(name), DRAFT202012.create_resource(document)))
    registry = Registry().with_resources(resources)
    with contextlib.suppress(Exception):  # a malformed $id/$anchor: lookups then fail and are reported as such
        registry = registry.crawl()
    return BundleDocs(digest=key.digest, documents=documents, problems=problems, registry=registry)


def load(files: Mapping[str, bytes]) -> BundleDocs:
    """The parsed JSON files of a bundle with their registry, built once per distinct content."""
    return _load(_Key(files))
