"""Deploying bundles the way a designer's browser or ``curl`` does: one multipart upload."""

from pathlib import Path

import httpx

from engine.bundles.loader import load_folder


def as_multipart(files: dict[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, content, "application/octet-stream")) for name, content in sorted(files.items())]


def deploy(client: httpx.Client, headers: dict[str, str], files: dict[str, bytes]) -> httpx.Response:
    return client.post("/api/bundles", files=as_multipart(files), headers=headers)


def deploy_folder(client: httpx.Client, headers: dict[str, str], folder: Path) -> httpx.Response:
    return deploy(client, headers, load_folder(folder))
