"""Per-version artefacts built once and kept in memory: the parsed spec, the files, merged forms.

Versions are immutable and keyed by content hash, so a cache entry never goes stale; a process that
has not seen a version yet rebuilds it from the database (no state another process depends on).
"""

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from engine import forms, runtime
from engine.bundles.models import BundleFile, BundleVersion
from engine.bundles.validation import is_process_file


@dataclass
class VersionArtefacts:
    version_id: int
    bundle_id: str
    version: int
    manifest: dict[str, Any]
    files: dict[str, bytes]
    compiled: runtime.CompiledBundle
    _forms: dict[str, forms.MergedForm] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def form(self, name: str) -> forms.MergedForm:
        """A task form, self-contained (``$ref``s inlined) as the browser and the validator need it."""
        return self._merged(name, [name])

    def application_form(self) -> forms.MergedForm:
        return self._merged("\0application", self.manifest["application"])

    def _merged(self, key: str, names: list[str]) -> forms.MergedForm:
        with self._lock:
            merged = self._forms.get(key)
            if merged is None:
                merged = self._forms[key] = forms.merge_application(names, self.files)
            return merged


class _Cache:
    def __init__(self, maxsize: int = 128) -> None:
        self._items: OrderedDict[str, VersionArtefacts] = OrderedDict()
        self._lock = threading.Lock()
        self._maxsize = maxsize

    def get(self, key: str) -> VersionArtefacts | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, item: VersionArtefacts) -> None:
        with self._lock:
            self._items[key] = item
            self._items.move_to_end(key)
            while len(self._items) > self._maxsize:
                self._items.popitem(last=False)


_cache = _Cache()


def remember(version: BundleVersion, files: dict[str, bytes], compiled: runtime.CompiledBundle) -> VersionArtefacts:
    runtime.specs.put(compiled)
    item = VersionArtefacts(
        version_id=version.id,
        bundle_id=version.bundle_id,
        version=version.version,
        manifest=version.manifest,
        files=files,
        compiled=compiled,
    )
    _cache.put(version.content_hash, item)
    return item


def cached(content_hash: str) -> VersionArtefacts | None:
    return _cache.get(content_hash)


def artefacts(session: Session, version: BundleVersion) -> VersionArtefacts:
    item = _cache.get(version.content_hash)
    if item is not None:
        return item
    rows = session.exec(select(BundleFile.name, BundleFile.content).where(BundleFile.version_id == version.id)).all()
    files = {name: bytes(content) for name, content in rows}
    compiled = runtime.specs.get(version.content_hash) or runtime.compile_bundle(
        version.content_hash, {n: c for n, c in files.items() if is_process_file(n)}, version.process_id
    )
    return remember(version, files, compiled)
