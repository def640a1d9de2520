"""Turn a form with ``$ref``s into one self-contained schema, because rjsf in the browser gets a single document.

Every ``$ref`` (to another file, into a file's ``$defs``, or local) is replaced by a copy of its target. Only a
recursive structure cannot be copied out; its target goes into the result's ``$defs`` and the recursion becomes a
local ``#/$defs/…`` ref, which rjsf resolves. ``$id``/``$anchor``/``$defs`` of the sources are dropped: after
inlining nothing refers to them, and a stray ``$id`` would change the meaning of refs in the browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin

from referencing._core import Resolver  # not re-exported by referencing; used for typing
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from engine.forms.keywords import ANNOTATIONS, map_schema
from engine.forms.loader import BundleDocs, file_of, uri_of
from engine.forms.problems import FormProblem, Loc

_DROPPED = frozenset({"$id", "$schema", "$anchor", "$dynamicAnchor", "$defs", "definitions", "$vocabulary"})


@dataclass
class _Inliner:
    file: str
    defs: dict[str, Any] = field(default_factory=dict)
    problems: list[FormProblem] = field(default_factory=list)
    def_names: dict[int, str] = field(default_factory=dict)
    active: set[int] = field(default_factory=set)

    def root(self, document: Any, resolver: Resolver) -> Any:
        key = id(document)
        self.active.add(key)  # so that "$ref": "#" recurses into $defs at once instead of one level later
        schema = self.schema(document, resolver, (), uri_of(self.file))
        if key in self.def_names:
            self.defs[self.def_names[key]] = schema
        return schema

    def schema(self, node: Any, resolver: Resolver, path: Loc, base: str) -> Any:
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$id"), str):  # a non-string $id is the linter's to report, not a new base
            resolver = resolver.in_subresource(DRAFT202012.create_resource(node))
            base = urljoin(base, node["$id"])
        body = {k: v for k, v in node.items() if k not in _DROPPED and k != "$ref"}
        out = map_schema(body, lambda sub_path, sub: self.schema(sub, resolver, path + sub_path, base))
        if "$dynamicRef" in out:
            self._problem(path, "不支持 $dynamicRef，无法合并为单一表单", "$dynamicRef cannot be inlined")
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return out
        return _combine(self.ref(ref, resolver, (*path, "$ref"), urljoin(base, ref)), out)

    def ref(self, ref: str, resolver: Resolver, path: Loc, target: str) -> Any:
        try:
            resolved = resolver.lookup(ref)
        except Unresolvable:
            self._problem(path, f"无法解析引用 {ref}", f"unresolvable $ref {ref}")
            return {}
        key = id(resolved.contents)  # the registry holds every target, so identities are stable meanwhile
        if key in self.active:
            return {"$ref": f"#/$defs/{self._def_name(key, target)}"}
        self.active.add(key)
        try:
            result = self.schema(resolved.contents, resolved.resolver, path, urldefrag(target)[0])
        finally:
            self.active.discard(key)
        if key in self.def_names:
            self.defs[self.def_names[key]] = result
        return result

    def _def_name(self, key: int, target: str) -> str:
        """A readable, unique ``$defs`` key: ``tree`` for ``tree.schema.json``, ``tree_node`` for ``…#/$defs/node``."""
        if key not in self.def_names:
            document, fragment = urldefrag(target)
            stem = (file_of(document) or document).rsplit("/", 1)[-1].removesuffix(".json").removesuffix(".schema")
            if fragment.strip("/"):
                stem = f"{stem}_{fragment.rsplit('/', 1)[-1]}"
            stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_") or "def"
            name, n = stem, 1
            while name in self.def_names.values():
                n += 1
                name = f"{stem}_{n}"
            self.def_names[key] = name
        return self.def_names[key]

    def _problem(self, path: Loc, message: str, message_en: str) -> None:
        self.problems.append(FormProblem(self.file, "ref", message, message_en, path=path))


def _combine(target: Any, siblings: dict[str, Any]) -> Any:
    """A ``$ref`` with sibling keywords means both apply (2020-12). Annotations and non-overlapping keywords can be
    merged flat, which rjsf renders best; otherwise the target goes into ``allOf``."""
    if not siblings:
        return target
    if target is True:
        return siblings
    if not isinstance(target, dict):
        return target
    if not (set(target) & set(siblings)) - ANNOTATIONS:
        return {**target, **siblings}
    return {**siblings, "allOf": [*siblings.get("allOf", []), target]}


def inline(docs: BundleDocs, name: str) -> tuple[Any, dict[str, Any], list[FormProblem]]:
    """(schema without external refs, hoisted ``$defs`` of recursive parts, problems) for the file ``name``."""
    inliner = _Inliner(file=name)
    schema = inliner.root(docs.documents[name], docs.resolver(name))
    return schema, inliner.defs, inliner.problems
