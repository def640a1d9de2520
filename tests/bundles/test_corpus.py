"""Every file of the real-world BPMN corpus gets a clear verdict: deployed, or refused with a 422
that names the file (and the element, where one is at fault) and the reason. Never a 500, never a hang."""

import json
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import Engine

from engine.config import ROOT
from tests.bundles.corpus import CORPUS, corpus_bundles
from tests.conftest import LiveServer
from tests.people import enrol
from tests.uploads import deploy


@pytest.mark.slow
def test_every_corpus_file_gets_a_clear_verdict(sqlite_db: Engine) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"BPMN corpus not present at {CORPUS}: real-world verdict test skipped")
    verdicts: dict[str, dict] = {}
    with LiveServer(sqlite_db) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        designer = enrol(sqlite_db, client, "designer", "designer")
        for name, files in corpus_bundles():
            response = deploy(client, designer.headers, files)
            body = response.json()
            verdicts[name] = {"status": response.status_code, "errors": body.get("errors", [])}
            assert response.status_code in (200, 201, 422), f"{name}: {response.status_code} {body}"
            if response.status_code == 422:
                assert body["errors"], f"{name}: a 422 must list its problems"
                for error in body["errors"]:
                    assert error["loc"] and isinstance(error["loc"][0], str), f"{name}: {error}"
                    assert error["message"].strip(), f"{name}: {error}"
    assert len(verdicts) >= 150
    counts = Counter(v["status"] for v in verdicts.values())
    out = ROOT / "test-artifacts" / "corpus-verdicts.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"counts": counts, "files": verdicts}, ensure_ascii=False, indent=1), encoding="utf-8")
    assert counts[201] > 0 and counts[422] > 0
    assert Path(out).is_file()
