"""The compiled-spec cache: least recently used versions go first; threads may share it."""

from __future__ import annotations

import threading

import pytest

from engine.runtime import SpecCache, specs

from .conftest import bpmn, compile_files


def bundle(key_suffix: str):
    files = {"yijianshi.bpmn": bpmn("yijianshi.bpmn") + f"<!-- {key_suffix} -->".encode()}
    return compile_files("open_restaurant", files)


def test_least_recently_used_versions_are_evicted():
    cache = SpecCache(maxsize=2)
    a, b, c = bundle("a"), bundle("b"), bundle("c")
    cache.put(a)
    cache.put(b)
    assert cache.get(a.key) is a  # a is now the most recent
    cache.put(c)
    assert cache.get(b.key) is None
    assert cache.get(a.key) is a and cache.get(c.key) is c
    assert len(cache) == 2


def test_get_or_compile_compiles_once_and_remembers():
    cache = SpecCache(maxsize=4)
    loads: list[int] = []

    def load():
        loads.append(1)
        return {"yijianshi.bpmn": bpmn("yijianshi.bpmn")}, "open_restaurant"

    first = cache.get_or_compile("v1", load)
    assert cache.get_or_compile("v1", load) is first
    assert loads == [1]
    assert first.key == "v1"


def test_threads_can_share_the_cache():
    cache = SpecCache(maxsize=8)
    bundles = [bundle(str(i)) for i in range(16)]
    errors: list[BaseException] = []

    def hammer(offset: int) -> None:
        try:
            for i in range(200):
                item = bundles[(i + offset) % len(bundles)]
                cache.put(item)
                found = cache.get(item.key)
                assert found is None or found.key == item.key
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache) == 8


def test_the_module_cache_exists_and_refuses_silly_sizes():
    assert isinstance(specs, SpecCache) and specs.maxsize == 256
    with pytest.raises(ValueError):
        SpecCache(maxsize=0)
