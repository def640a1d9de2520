"""Server instructions per completed task, counted by valgrind (callgrind): a repeatable cost figure.

On the 2-core VMs we measure on, the machine's speed drifts by ±30 % within minutes, so two timed
runs cannot tell a 3 % change from noise.  Instructions can: the same build, requests and database
give the same count to about 0.2 %.  This runs the API (one uvicorn process, under callgrind) on a
throwaway PostgreSQL database, warms it up with two lifecycles of the 5-department bundle, then
counts only the lifecycles it measures (``callgrind_control -z`` / ``-d``) — start as the window
clerk, complete every task as its department's clerk, the same requests as ``engine_bench.py``.

    .venv/bin/python bench/instructions.py                      # this checkout, 5 lifecycles (~1.5 min)
    .venv/bin/python bench/instructions.py --tree /tmp/old      # another checkout (git worktree add ...)

Instructions are not time: cache misses and waiting are not in them, and the database's own work
is not counted (``engine_bench.py`` reports both).  Needs valgrind (Debian package ``valgrind``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("engine_bench", HERE / "engine_bench.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules["engine_bench"] = bench
_spec.loader.exec_module(bench)


def counted_total(path: Path) -> int:
    for line in path.read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no totals in {path}")


def measure(tree: Path, pg_admin_url: str, lifecycles: int) -> dict[str, float]:
    with bench.postgres_database(pg_admin_url) as url, tempfile.TemporaryDirectory() as tmp:
        from engine.db import make_engine
        from engine.tables import metadata

        engine = make_engine(url)
        metadata.create_all(engine)
        bench.create_users(engine)
        engine.dispose()
        port = bench._free_port()
        out = Path(tmp) / "callgrind.out"
        env = {**os.environ, **bench.SERVER_ENV, "YIJIAN_DATABASE_URL": url, "PYTHONHASHSEED": "0"}
        cmd = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            sys.executable, "-m", "uvicorn", "engine.app:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        with (Path(tmp) / "server.log").open("wb") as log:
            server = subprocess.Popen(cmd, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 600
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"server exited: {(Path(tmp) / 'server.log').read_text()[-2000:]}")
                try:
                    if httpx.get(f"{base}/api/health", timeout=60).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not start under valgrind in 10 minutes")
                time.sleep(1)
            people = bench.log_in(base)
            bench.deploy(base, people)
            counts: dict[str, int] = {}
            with bench.KeepAliveClient(base, timeout=600) as client:
                for i in range(2):
                    bench.http_lifecycle(client, people, f"warm-{i}", None, float("inf"))
                subprocess.run(["callgrind_control", "-z", str(server.pid)], check=True, capture_output=True)
                for i in range(lifecycles):
                    bench.http_lifecycle(
                        client,
                        people,
                        f"counted-{i}",
                        lambda kind, _s, status: counts.__setitem__(kind, counts.get(kind, 0) + (status < 400)),
                        float("inf"),
                    )
                subprocess.run(["callgrind_control", "-d", str(server.pid)], check=True, capture_output=True)
        finally:
            server.terminate()
            server.wait(timeout=300)
        dumps = sorted(Path(tmp).glob("callgrind.out*.1")) or sorted(Path(tmp).glob("callgrind.out*"))
        total = counted_total(dumps[0])
    return {
        "lifecycles": lifecycles,
        "starts": counts.get("start", 0),
        "completes": counts.get("complete", 0),
        "instructions_per_lifecycle_M": round(total / lifecycles / 1e6, 2),
        "instructions_per_complete_M": round(total / counts["complete"] / 1e6, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=HERE.parent, help="checkout whose engine/ is served")
    parser.add_argument("--lifecycles", type=int, default=5, help="counted lifecycles (1 start + 6 completes)")
    parser.add_argument("--pg-url", default=os.environ.get("YIJIAN_TEST_POSTGRES_URL", bench.DEFAULT_PG_ADMIN_URL))
    args = parser.parse_args(argv)
    bench.check_postgres(args.pg_url)
    result = measure(args.tree.resolve(), args.pg_url, args.lifecycles)
    print(
        f"{args.tree}: {result['instructions_per_lifecycle_M']} M instructions per lifecycle, "
        f"{result['instructions_per_complete_M']} M per completed task (starts amortised; "
        f"{result['starts']} starts, {result['completes']} completions counted)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
