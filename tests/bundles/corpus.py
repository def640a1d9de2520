"""The real-world BPMN corpus beside the repository, each file with the sibling files it needs."""

import os
from collections.abc import Iterator
from pathlib import Path

from engine.bundles.wrap import called_processes, process_ids, wrap
from engine.config import ROOT

CORPUS = Path(os.environ.get("YIJIAN_BPMN_CORPUS", ROOT.parent / "shared" / "corpora" / "bpmn"))
KINDS = (".bpmn", ".bpmn20.xml", ".dmn")


def _is_model(path: Path) -> bool:
    return path.is_file() and path.name.lower().endswith(KINDS)


def corpus_bundles() -> Iterator[tuple[str, dict[str, bytes]]]:
    """(corpus-relative name, wrapped bundle files) for every BPMN and DMN file of the corpus.

    Like a deployment would, a file travels with its folder's DMN and JSON forms and with the
    sibling BPMN files that define the processes its call activities name."""
    for path in sorted(p for p in CORPUS.rglob("*") if _is_model(p)):
        folder = path.parent
        files = {path.name: path.read_bytes()}
        siblings = [p for p in sorted(folder.iterdir()) if p.is_file() and p != path]
        for sibling in siblings:
            if sibling.suffix.lower() in (".dmn", ".json"):
                files.setdefault(sibling.name, sibling.read_bytes())
        wanted = called_processes(files[path.name])
        bpmn_siblings = {s.name: s.read_bytes() for s in siblings if s.name.lower().endswith((".bpmn", ".bpmn20.xml"))}
        while wanted:
            target = wanted.pop()
            for name, content in bpmn_siblings.items():
                if name not in files and target in process_ids(content):
                    files[name] = content
                    wanted |= called_processes(content)
        yield str(path.relative_to(CORPUS)), wrap(path.name, files)
