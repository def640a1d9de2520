"""``yijian``: run, migrate, deploy and administer the service from a shell."""

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from engine.config import ROOT, get_settings

app = typer.Typer(
    help="一件 Yijian: 高效办成一件事 BPMN 流程引擎 / workflow engine for government service bundles",
    no_args_is_help=True,
)
users_app = typer.Typer(help="用户管理 / users", no_args_is_help=True)
apikeys_app = typer.Typer(help="外部系统 API key / API keys for external systems", no_args_is_help=True)
audit_app = typer.Typer(help="审计日志 / audit log", no_args_is_help=True)
holidays_app = typer.Typer(help="节假日 / holiday table (overrides chinese-calendar)", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(apikeys_app, name="apikeys")
app.add_typer(audit_app, name="audit")
app.add_typer(holidays_app, name="holidays")


def _fail(message: str, errors: list | None = None) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    for e in errors or []:
        typer.echo(f"  - {' / '.join(str(p) for p in e.loc)}: {e.message}", err=True)
    raise typer.Exit(1)


@app.command()
def migrate() -> None:
    """Upgrade the database schema to the newest migration."""
    from engine import migrations
    from engine.db import get_engine

    migrations.upgrade(get_engine())
    typer.echo(f"schema up to date ({_safe_url()})")


def _safe_url() -> str:
    url = get_settings().database_url
    return url.split("@")[-1] if "@" in url else url.replace(str(ROOT) + "/", "")


def _bundle_folders(path: Path) -> list[Path]:
    if (path / "bundle.json").is_file():
        return [path]
    return [p for p in sorted(path.iterdir()) if (p / "bundle.json").is_file()]


@app.command()
def validate(path: Path) -> None:
    """Check a bundle folder (processes/<id>) the way a deploy would, storing nothing."""
    from engine.bundles import loader, validation
    from engine.errors import DomainError

    for folder in _bundle_folders(path):
        try:
            checked = validation.check(loader.load_folder(folder))
        except DomainError as exc:
            _fail(f"{folder.name}: {exc.detail}", exc.errors)
        typer.echo(f"{folder.name}: ok ({checked.manifest['id']}, {len(checked.files)} files)")


@app.command()
def deploy(path: Path, as_user: Annotated[str, typer.Option("--as")] = "cli") -> None:
    """Deploy a bundle folder, or every bundle folder below PATH, as new versions."""
    from engine import clock
    from engine.auth.schemas import Principal
    from engine.bundles import loader
    from engine.bundles import service as bundles
    from engine.db import transaction
    from engine.errors import DomainError

    for folder in _bundle_folders(path):
        try:
            with transaction() as session:
                version, created = bundles.deploy(
                    session, Principal(as_user, "admin"), loader.load_folder(folder), now=clock.now(session)
                )
        except DomainError as exc:
            _fail(f"{folder.name}: {exc.detail}", exc.errors)
        state = "deployed" if created else "unchanged"
        typer.echo(f"{version.bundle_id}: version {version.version} {state}")


@users_app.command("create")
def users_create(
    name: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    role: Annotated[str, typer.Option()],
    department: Annotated[str | None, typer.Option()] = None,
    region: Annotated[str | None, typer.Option()] = None,
    display_name: Annotated[str, typer.Option()] = "",
) -> None:
    """Create a user: admin | designer | clerk (with --department and --region) | auditor | applicant."""
    from pydantic import ValidationError

    from engine import clock
    from engine.auth import service
    from engine.auth.schemas import UserCreate
    from engine.db import transaction
    from engine.errors import DomainError

    try:
        body = UserCreate(
            username=name, password=password, role=role, department=department, region=region, display_name=display_name
        )
        with transaction() as session:
            service.create_user(session, body, now=clock.now(session))
    except ValidationError as exc:
        _fail("invalid user: " + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
    except DomainError as exc:
        _fail(exc.detail, exc.errors)
    typer.echo(f"user {name} ({role}) created")


@apikeys_app.command("create")
def apikeys_create(name: str, region: Annotated[str | None, typer.Option()] = None) -> None:
    """Create an API key for an external system; it is printed once and stored hashed."""
    from engine import clock
    from engine.auth import service
    from engine.db import transaction
    from engine.errors import DomainError

    try:
        with transaction() as session:
            key = service.create_api_key(session, name, region=region, now=clock.now(session))
    except DomainError as exc:
        _fail(exc.detail, exc.errors)
    typer.echo(key)


@apikeys_app.command("revoke")
def apikeys_revoke(name: str) -> None:
    """Revoke an external system's key at once (e.g. when it leaked); requests with it get 401."""
    from engine import clock
    from engine.auth import service
    from engine.db import transaction
    from engine.errors import DomainError

    try:
        with transaction() as session:
            service.revoke_api_key(session, name, now=clock.now(session))
    except DomainError as exc:
        _fail(exc.detail, exc.errors)
    typer.echo(f"API key {name} revoked")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the audit hash chain; exit 1 naming every entry that was edited or removed."""
    from engine.audit import service
    from engine.db import get_engine, read_only, transaction

    with transaction(read_only(get_engine())) as session:
        breaks = list(service.verify(session))
    if breaks:
        for b in breaks:
            typer.secho(f"entry {b.entry_id}: {b.reason}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    typer.echo("audit chain intact")


@holidays_app.command("import")
def holidays_import(file: Path, as_user: Annotated[str, typer.Option("--as")] = "cli") -> None:
    """Load an official holiday notice (CSV date,type,name or JSON); open deadlines are recomputed."""
    from engine import clock
    from engine.auth.schemas import Principal
    from engine.db import transaction
    from engine.errors import DomainError
    from engine.instances import service as instances

    try:
        with transaction() as session:
            years, rows, recomputed = instances.import_holidays(
                session, Principal(as_user, "admin"), file.read_text(encoding="utf-8-sig"), now=clock.now(session)
            )
    except DomainError as exc:
        _fail(exc.detail, exc.errors)
    typer.echo(f"imported {rows} days for {', '.join(map(str, years))}; {recomputed} open deadlines recomputed")


@app.command()
def worker(once: bool = False) -> None:
    """Fire due timers (and send webhooks) until stopped."""
    import threading

    from engine import worker as worker_loop
    from engine.db import get_engine

    if once:
        typer.echo(f"fired {worker_loop.run_once(get_engine())}")
        return
    stop = threading.Event()
    try:
        worker_loop.loop(get_engine(), stop, get_settings().worker_interval_s)
    except KeyboardInterrupt:
        stop.set()


@app.command("seed-demo")
def seed_demo() -> None:
    """Migrate, deploy the sample bundles and create demo users (passwords printed once)."""
    from engine import demo

    migrate()
    deploy(get_settings().processes_dir)
    credentials = demo.create_users()
    if credentials:
        path = ROOT / "var" / "demo-credentials.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(credentials, ensure_ascii=False, indent=2), encoding="utf-8")
        path.chmod(0o600)
        typer.echo("演示用户 / demo users (also in var/demo-credentials.json):")
        for c in credentials:
            post = f"{c.get('department') or ''} {c.get('region') or ''}"
            typer.echo(f"  {c['username']:<16} {c['password']:<20} {c['role']:<9} {post}")
    else:
        typer.echo("demo users exist already (passwords in var/demo-credentials.json)")
    started = demo.seed_instances()
    typer.echo(f"演示办件 / demo cases: {len(started)} started" if started else "demo cases exist already")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    demo: Annotated[bool, typer.Option(help="seed demo data first")] = False,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="processes, each serving one request at a time [default: cores]")
    ] = None,
) -> None:
    """Serve the API and the admin pages (migrates first). Workers share nothing but the database."""
    import uvicorn

    if demo:
        seed_demo()
    else:
        migrate()
    typer.echo(f"serving on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    count = workers or max(2, os.cpu_count() or 1)
    uvicorn.run("engine.app:create_app", factory=True, host=host, port=port, log_level="info", workers=count)


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
