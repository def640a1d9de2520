"""The per-process cache of compiled bundle versions (the runtime's only shared mutable state).

Parsing costs milliseconds and every request of a bundle version needs the same spec objects, so
each API/worker process keeps the versions it has seen, keyed by content hash.  The cache is bounded
(LRU) because a long-running process may see many versions, and locked because uvicorn serves sync
endpoints from a thread pool.  Losing an entry is harmless: the caller recompiles from the stored
files (:meth:`SpecCache.get_or_compile`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from .parse import CompiledBundle, compile_bundle


class SpecCache:
    """LRU map of ``CompiledBundle.key`` -> compiled bundle; safe to share between threads."""

    def __init__(self, maxsize: int = 256) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._items: OrderedDict[str, CompiledBundle] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CompiledBundle | None:
        with self._lock:
            compiled = self._items.get(key)
            if compiled is not None:
                self._items.move_to_end(key)
            return compiled

    def put(self, compiled: CompiledBundle) -> None:
        with self._lock:
            self._items[compiled.key] = compiled
            self._items.move_to_end(compiled.key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def get_or_compile(self, key: str, load: Callable[[], tuple[dict[str, bytes], str]]) -> CompiledBundle:
        """The cached bundle, or compile it from ``load() -> (files, process_id)`` and cache it.

        Compiling happens outside the lock: two threads may compile the same version at once, which
        wastes a few milliseconds but never blocks other versions behind a slow parse.
        """
        compiled = self.get(key)
        if compiled is None:
            files, process_id = load()
            compiled = compile_bundle(key, files, process_id)
            self.put(compiled)
        return compiled

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items


specs = SpecCache(maxsize=256)
