"""Shared fixtures for the runtime tests: BPMN files from ./bpmn, compiled with a fresh key each."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.runtime import CompiledBundle, compile_bundle

BPMN_DIR = Path(__file__).parent / "bpmn"
NOW = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)


def bpmn(name: str) -> bytes:
    return (BPMN_DIR / name).read_bytes()


def compile_files(process_id: str, files: dict[str, bytes]) -> CompiledBundle:
    """Compile like the service does: the key is a hash of the content."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    return compile_bundle(digest.hexdigest()[:16], files, process_id)


@pytest.fixture
def compiled() -> Callable[..., CompiledBundle]:
    """``compiled("yijianshi.bpmn", process="open_restaurant")`` compiles fixture files."""

    def make(*names: str, process: str, replace: dict[str, tuple[bytes, bytes]] | None = None) -> CompiledBundle:
        files = {name: bpmn(name) for name in names}
        for name, (old, new) in (replace or {}).items():
            assert old in files[name], f"{old!r} not in {name}"
            files[name] = files[name].replace(old, new)
        return compile_files(process, files)

    return make
