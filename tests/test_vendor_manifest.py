"""The committed front-end vendor files (admin_ui/vendor/) are intact, declared and offline-safe. No browser, no npm.

Rebuild them with scripts/refresh-vendor (maintainers only); never edit them by hand.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "admin_ui" / "vendor"
VENDOR_SRC = ROOT / "admin_ui" / "vendor-src"
MANIFEST = VENDOR / "MANIFEST.json"

# Pages load exactly these; tests/browser/pages/vendor-check.html uses the same paths.
EXPECTED_FILES = {
    "bpmn/bpmn-modeler-bundle.min.js",
    "bpmn/bpmn-modeler-bundle.min.css",
    "bpmn/LICENSE-bpmn-js",
    "rjsf/rjsf.min.js",
    "rjsf/rjsf-lite.css",
    "echarts/echarts.min.js",
    "echarts/LICENSE",
    "echarts/NOTICE",
    "THIRD_PARTY_LICENSES.txt",
    "VERSIONS",
}
MAX_TOTAL_BYTES = 4_500_000  # about 3.9 MB today; a jump means an unwanted duplicate or flavour went in

# --- patterns that make a browser fetch something at load time ----------------------------------------------------
# Bare URLs are fine (XML namespaces, licence comments, documentation links, JSON-schema ids): only loads count.
_REMOTE = r"""(?:https?:|wss?:)?//[A-Za-z0-9]"""
LOAD_PATTERNS = [
    ("css url()", re.compile(r"""url\(\s*['"]?""" + _REMOTE, re.I)),
    ("css @import", re.compile(r"""@import\s+(?:url\()?\s*['"]?""" + _REMOTE, re.I)),
    ("<script src>", re.compile(r"""<script\b[^>]*\bsrc\s*=\s*\\?['"]""" + _REMOTE, re.I)),
    ("<link href>", re.compile(r"""<link\b[^>]*\bhref\s*=\s*\\?['"]""" + _REMOTE, re.I)),
    ("<img/iframe src>", re.compile(r"""<(?:img|iframe)\b[^>]*\bsrc\s*=\s*\\?['"]""" + _REMOTE, re.I)),
    ("dynamic import()", re.compile(r"""\bimport\(\s*['"`]""" + _REMOTE)),
    ("static import", re.compile(r"""\b(?:import|from)\s*['"`]""" + _REMOTE)),
    ("importScripts()", re.compile(r"""\bimportScripts\(\s*['"`]""" + _REMOTE)),
    ("fetch()", re.compile(r"""\bfetch\(\s*['"`]""" + _REMOTE)),
    (
        "new Worker/WebSocket/EventSource",
        re.compile(r"""\bnew\s+(?:Worker|SharedWorker|WebSocket|EventSource)\(\s*['"`]""" + _REMOTE),
    ),
    ("XHR open()", re.compile(r"""\.open\(\s*['"`](?:GET|POST)['"`]\s*,\s*['"`]""" + _REMOTE, re.I)),
    ("src/href assignment", re.compile(r"""\.(?:src|href)\s*=\s*['"`]""" + _REMOTE)),
    (
        "well-known CDN or font host",
        re.compile(
            r"""['"`(](?:https?:)?//(?:fonts\.googleapis\.com|fonts\.gstatic\.com|cdn\.jsdelivr\.net|unpkg\.com|"""
            r"""cdnjs\.cloudflare\.com|ajax\.googleapis\.com|code\.jquery\.com|maxcdn\.bootstrapcdn\.com)""",
            re.I,
        ),
    ),
]
# Relative url() targets in the bundled CSS that need not exist: the IE-only .eot/.svg variants of the bpmn icon
# font. Browsers use the inlined WOFF of the same @font-face and never request them.
IE_ONLY_FONT = re.compile(r"^\.\./font/bpmn\.(?:eot|svg)(?:[?#].*)?$")


def external_loads(text: str) -> list[str]:
    hits = []
    for label, pattern in LOAD_PATTERNS:
        for m in pattern.finditer(text):
            hits.append(f"{label}: …{text[max(0, m.start() - 40) : m.end() + 60]}…")
    return hits


def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def vendored_files() -> set[str]:
    return {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file() and p.name != "MANIFEST.json"}


def versions_table() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (VENDOR / "VERSIONS").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("package "):
            continue
        cols = re.split(r"\s{2,}", line.strip())
        assert len(cols) >= 3, f"malformed VERSIONS line: {line!r}"
        rows.setdefault(cols[0], (cols[1], cols[2]))
    return rows


def test_manifest_lists_exactly_the_vendored_files():
    listed = set(manifest()["files"])
    on_disk = vendored_files()
    assert listed == on_disk, f"not in MANIFEST: {sorted(on_disk - listed)}; not on disk: {sorted(listed - on_disk)}"
    assert on_disk >= EXPECTED_FILES, f"missing: {sorted(EXPECTED_FILES - on_disk)}"


@pytest.mark.parametrize("name", sorted(vendored_files()) if VENDOR.is_dir() else [])
def test_file_matches_manifest_sha256(name):
    entry = manifest()["files"][name]
    data = (VENDOR / name).read_bytes()
    assert len(data) == entry["bytes"], f"{name}: size changed; rebuild with scripts/refresh-vendor, never edit by hand"
    assert hashlib.sha256(data).hexdigest() == entry["sha256"], (
        f"{name}: sha256 differs from MANIFEST.json; rebuild with scripts/refresh-vendor, never edit by hand"
    )


def test_only_iife_flavours_and_no_unused_prebuilt_copies():
    names = vendored_files()
    assert not [n for n in names if ".esm." in n or n.endswith(".mjs")], "commit the IIFE flavour only"
    assert not [n for n in names if n.endswith(".map")], "no source maps"
    prebuilt = re.compile(r"bpmn-(modeler|viewer|navigated-viewer)\.(development|production)")
    assert not [n for n in names if prebuilt.search(n)], (
        "the bundle exports Modeler and NavigatedViewer; prebuilt bpmn-js copies would be unused"
    )


def test_total_size_is_reasonable():
    total = sum(e["bytes"] for e in manifest()["files"].values())
    assert total <= MAX_TOTAL_BYTES, f"vendor/ is {total} bytes"


def test_versions_lists_the_main_packages_with_the_pinned_versions():
    table = versions_table()
    pins = json.loads((VENDOR_SRC / "package.json").read_text(encoding="utf-8"))["dependencies"]
    for name in (
        "bpmn-js",
        "bpmn-js-properties-panel",
        "react",
        "react-dom",
        "@rjsf/core",
        "@rjsf/utils",
        "@rjsf/validator-ajv8",
        "ajv",
        "echarts",
        "zrender",
        "diagram-js",
        "preact",
    ):
        assert name in table, f"VERSIONS does not list {name}"
    for name, pinned in pins.items():
        assert name in table, f"VERSIONS does not list the direct dependency {name}"
        assert table[name][0] == pinned, f"VERSIONS says {name} {table[name][0]}, package.json pins {pinned}"
    assert manifest()["direct"] == pins, "MANIFEST.json was built from other pins than package.json"
    for name, (_, licence) in table.items():
        assert licence and licence != "UNKNOWN", f"{name}: licence unknown"


def test_licences_are_shipped():
    third = (VENDOR / "THIRD_PARTY_LICENSES.txt").read_text(encoding="utf-8")
    for name, (version, _) in versions_table().items():
        assert f"{name}@{version}" in third, f"THIRD_PARTY_LICENSES.txt lacks {name}@{version}"
    bpmn_licence = " ".join((VENDOR / "bpmn" / "LICENSE-bpmn-js").read_text(encoding="utf-8").split())
    assert "watermark" in bpmn_licence and "MUST NOT be removed or changed" in bpmn_licence
    assert "Apache License" in (VENDOR / "echarts" / "LICENSE").read_text(encoding="utf-8")
    assert "Apache ECharts" in (VENDOR / "echarts" / "NOTICE").read_text(encoding="utf-8")
    bundle_head = (VENDOR / "bpmn" / "bpmn-modeler-bundle.min.js").read_text(encoding="utf-8")[:600]
    assert "bpmn.io watermark" in bundle_head and "LICENSE-bpmn-js" in bundle_head


def test_detector_flags_loads_but_not_plain_urls():
    assert external_loads("""a{background:url("https://cdn.example.com/x.png")}""")
    assert external_loads("""@import url(//fonts.googleapis.com/css?family=Noto);""")
    assert external_loads("""'<script src="https://unpkg.com/x.js"></script>'""")
    assert external_loads("""import("https://esm.sh/react")""")
    assert external_loads("""fetch('https://api.example.com/x')""")
    assert external_loads("""el.src="//cdn.example.com/a.js\"""")
    assert not external_loads("""createElementNS("http://www.w3.org/2000/svg","g")""")
    assert not external_loads("""/*! licence: https://www.apache.org/licenses/LICENSE-2.0 */""")
    assert not external_loads("""{$schema:"https://json-schema.org/draft/2020-12/schema"}""")
    assert not external_loads("""a{background:url("data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>")}""")


@pytest.mark.parametrize(
    "name", sorted(n for n in vendored_files() if n.endswith((".js", ".css", ".html"))) if VENDOR.is_dir() else []
)
def test_no_external_loads(name):
    text = (VENDOR / name).read_text(encoding="utf-8")
    hits = external_loads(text)
    assert not hits, f"{name} would fetch from outside the server:\n" + "\n".join(hits[:10])


def test_css_relative_urls_resolve():
    for name in sorted(n for n in vendored_files() if n.endswith(".css")):
        text = (VENDOR / name).read_text(encoding="utf-8")
        for target in re.findall(r"""url\(\s*['"]?([^'")]+)""", text):
            if target.startswith(("data:", "#")) or IE_ONLY_FONT.match(target):
                continue
            resolved = (VENDOR / name).parent / target.split("?")[0].split("#")[0]
            assert resolved.is_file(), f"{name}: url({target}) points to a file that is not vendored"
