"""Engine benchmark: the HTTP API under N concurrent clients vs raw SpiffWorkflow, in one run.

Drives the real service (uvicorn in a separate process, so the load generator does not share the
server's GIL) on SQLite and on a throwaway PostgreSQL database, with the 5-department bundle in
``bench/bundles/five-departments/``: every client loops "start an instance (window clerk) → complete
受理 → complete the 5 department tasks (each as that department's clerk)".  In the same run, the same
BPMN is driven in-process by raw SpiffWorkflow (parse once; per step deserialize → complete → engine
steps → serialize, default serializer with SPIFF_CONFIG) and by our runtime adapter
(``engine.runtime``, state bytes in and out), single-threaded.  It also seeds ``--seed-tasks`` open
tasks with bulk SQL and measures the inbox (``GET /api/tasks`` as a clerk), and reports the stored
state bytes per instance.

    .venv/bin/python bench/engine_bench.py                 # full run (~3 minutes on 2 cores)
    .venv/bin/python bench/engine_bench.py --quick         # smoke check (~1 minute)
    .venv/bin/python bench/engine_bench.py --json > out.json   # JSON on stdout, the table on stderr
    .venv/bin/python bench/engine_bench.py --skip-sqlite --profile DIR   # where the time goes

``--profile`` samples the server with py-spy (``pip install py-spy``) during extra load runs.
PostgreSQL: a throwaway database on ``--pg-url`` (default: the server the tests
use, or ``YIJIAN_TEST_POSTGRES_URL``), dropped at the end; SQLite: a temporary file.

Results and the command used are recorded in ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import json
import os
import platform
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BUNDLE_DIR = Path(__file__).resolve().parent / "bundles" / "five-departments"
BUNDLE_ID = "bench-five-departments"
PROCESS_ID = "five_departments"
_dumps = json.dumps
DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REGION = "330100"  # 杭州市: receiving and handling region of every benchmark instance
SEED_REGIONS = ("330100", "330100", "310100", "320100")  # half of the seeded tasks are in the clerks' region
PASSWORD = "bench-password-1"
# The service reads these when it starts; the bench process sets them too (it hashes the passwords).
SERVER_ENV = {
    "YIJIAN_RUN_WORKER_IN_PROCESS": "false",
    "YIJIAN_CLOCK": "system",
    "YIJIAN_ARGON2_TIME_COST": "1",
    "YIJIAN_ARGON2_MEMORY_KIB": "1024",
}

# Who completes what: bpmn id of the task -> (lane, department code, form data).
DEPARTMENTS = {
    "accept": ("window", "zwfw", {"window": {"accepted": True, "note": "材料齐全，予以受理"}}),
    "market_review": ("market", "scjg", {"market": {"approved": True, "opinion": "符合食品经营许可条件"}}),
    "health_review": ("health", "wjw", {"health": {"approved": True, "opinion": "从业人员健康证明齐全"}}),
    "fire_review": ("fire", "xf", {"fire": {"approved": True, "opinion": "消防设施符合要求"}}),
    "eco_review": ("eco", "sthj", {"eco": {"approved": True, "opinion": "已完成环境影响登记"}}),
    "tax_review": ("tax", "sw", {"tax": {"approved": True, "opinion": "税务信息确认无误"}}),
}
CLERKS = {dept: f"bench_{lane}" for lane, dept, _ in DEPARTMENTS.values()}
INBOX_CLERK = "scjg"  # the department whose inbox is queried after seeding

APPLICATION: dict[str, Any] = {
    "company": {
        "name": "杭州味道餐饮管理有限公司",
        "uscc": "91350100M000100Y43",
        "address": "浙江省杭州市西湖区文三路 398 号 1 层 101 室",
    },
    "contact": {"name": "张三", "phone": "13800138000"},
    "area": 120.5,
    "seats": 40,
    "materials": [
        {"id": f"m{i:02d}", "name": name, "pages": 1 + i % 4}
        for i, name in enumerate(
            [
                "营业执照",
                "法定代表人身份证件",
                "经营场所使用证明",
                "食品经营设备布局和工艺流程图",
                "食品安全管理制度文本",
                "从业人员健康证明",
                "消防安全制度",
                "场所平面布置图",
                "排污许可登记表",
                "税务登记信息确认书",
                "招牌效果图",
                "产权人同意意见",
            ]
        )
    ],
}


# --- measurements --------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(p) - 1]


@dataclass
class OpStats:
    """Latencies (seconds) of one kind of operation and the wall time they were measured over."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    def summary(self, elapsed: float) -> dict[str, Any]:
        ms = [x * 1000 for x in self.latencies]
        return {
            "n": len(ms),
            "p50_ms": round(percentile(ms, 50), 3),
            "p95_ms": round(percentile(ms, 95), 3),
            "mean_ms": round(statistics.fmean(ms), 3) if ms else None,
            "per_s": round(len(ms) / elapsed, 1) if elapsed > 0 else None,
            "errors": dict(self.errors),
        }


def cpu_snapshot(pids: list[int]) -> dict[int, float]:
    """utime+stime per process, from /proc (processes that are gone are left out)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick
    return found


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent in between by the processes alive at the end (new ones from zero; ones that exited in
    between are not counted, so this can only under-count)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def processes() -> list[tuple[int, int, str]]:
    """(pid, ppid, comm) of every process we may read."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        comm = text[text.index("(") + 1 : text.rindex(")")]
        ppid = int(text.rsplit(")", 1)[1].split()[1])
        found.append((int(entry.name), ppid, comm))
    return found


def process_tree(root: int) -> list[int]:
    procs = processes()
    tree, grew = {root}, True
    while grew:
        grew = False
        for pid, ppid, _ in procs:
            if ppid in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sorted(tree)


def backend_pids(url: str | None) -> list[int]:
    """PostgreSQL backends connected to the benchmark database (not other databases on the server)."""
    if url is None:
        return []
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            return list(conn.execute(sa.text(query)).scalars())
    finally:
        engine.dispose()


def machine_jiffies() -> tuple[float, float]:
    """(all, idle) CPU seconds of the whole machine so far, summed over cores (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    tick = os.sysconf("SC_CLK_TCK")
    return sum(values) / tick, (values[3] + values[4]) / tick


# --- the in-process baselines ----------------------------------------------------------------------------


def bundle_files() -> dict[str, bytes]:
    from engine.bundles.loader import load_folder

    return load_folder(BUNDLE_DIR)


def _time_budget(seconds: float, lifecycle: Callable[[], None]) -> dict[str, Any]:
    """Run lifecycles for ``seconds``; wall and CPU time (CPU is what other load on the box cannot inflate)."""
    lifecycle()  # warm-up, not measured
    begin, cpu = time.perf_counter(), time.process_time()
    count = 0
    while time.perf_counter() - begin < seconds:
        lifecycle()
        count += 1
    return {"elapsed_s": time.perf_counter() - begin, "cpu_s": time.process_time() - cpu, "instances": count}


def _inprocess_result(stats: dict[str, OpStats], budget: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {name: s.summary(budget["elapsed_s"]) for name, s in stats.items()}
    result["instances"] = budget["instances"]
    result["elapsed_s"] = round(budget["elapsed_s"], 2)
    result["cpu_s"] = round(budget["cpu_s"], 2)
    result["cpu_ms_per_complete"] = round(budget["cpu_s"] / max(1, len(stats["complete"].latencies)) * 1000, 3)
    return result


def bench_raw_spiff(seconds: float) -> tuple[dict[str, Any], dict[str, int]]:
    """Raw SpiffWorkflow: parse once; per step deserialize → complete → do_engine_steps → serialize."""
    from SpiffWorkflow import TaskState
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.parser import SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

    parser = SpiffBpmnParser()
    bpmn = BUNDLE_DIR / "five_departments.bpmn"
    parser.add_bpmn_str(bpmn.read_bytes(), str(bpmn.name))
    spec = parser.get_spec(PROCESS_ID)
    subprocess_specs = parser.get_subprocess_specs(PROCESS_ID)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    stats = {"start": OpStats(), "complete": OpStats()}
    sizes: dict[str, int] = {}

    def ready_of(wf: Any) -> list[tuple[str, str]]:
        return [(str(t.id), t.task_spec.bpmn_id) for t in wf.get_tasks(state=TaskState.READY, manual=True)]

    def lifecycle(record: bool = True, measure_sizes: bool = False) -> None:
        t0 = time.perf_counter()
        wf = BpmnWorkflow(spec, subprocess_specs)
        wf.task_tree.set_data(**APPLICATION)
        wf.do_engine_steps()
        ready = ready_of(wf)
        state = serializer.serialize_json(wf)
        if record:
            stats["start"].latencies.append(time.perf_counter() - t0)
        if measure_sizes:
            sizes["start"] = len(state.encode())
        done = 0
        while ready:
            task_id, bpmn_id = ready[0]
            t0 = time.perf_counter()
            wf = serializer.deserialize_json(state)
            task = wf.get_task_from_id(UUID(task_id))
            task.set_data(**DEPARTMENTS[bpmn_id][2])
            task.run()
            wf.do_engine_steps()
            ready = ready_of(wf)
            state = serializer.serialize_json(wf)
            if record:
                stats["complete"].latencies.append(time.perf_counter() - t0)
            done += 1
            if measure_sizes and done == 3:  # 受理 + 2 of 5 departments
                sizes["mid"] = len(state.encode())
        assert wf.is_completed(), "raw workflow did not complete"
        if measure_sizes:
            sizes["completed"] = len(state.encode())

    lifecycle(record=False, measure_sizes=True)
    return _inprocess_result(stats, _time_budget(seconds, lifecycle)), sizes


def bench_adapter(seconds: float) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Our runtime adapter alone: engine.runtime start / complete_task on stored state bytes."""
    from engine import runtime

    files = bundle_files()
    compiled = runtime.compile_bundle("bench", {n: c for n, c in files.items() if n.endswith(".bpmn")}, PROCESS_ID)
    stats = {"start": OpStats(), "complete": OpStats()}
    states: dict[str, bytes] = {}

    def lifecycle(record: bool = True, keep_states: bool = False) -> None:
        t0 = time.perf_counter()
        step = runtime.start(compiled, APPLICATION, now=datetime.now(UTC))
        if record:
            stats["start"].latencies.append(time.perf_counter() - t0)
        if keep_states:
            states["start"] = step.state
        done = 0
        while step.snapshot.ready_tasks:
            human = step.snapshot.ready_tasks[0]
            t0 = time.perf_counter()
            step = runtime.complete_task(
                compiled, step.state, human.id, DEPARTMENTS[human.bpmn_id][2], now=datetime.now(UTC)
            )
            if record:
                stats["complete"].latencies.append(time.perf_counter() - t0)
            done += 1
            if keep_states and done == 3:
                states["mid"] = step.state
        assert step.snapshot.status == "completed", step.snapshot
        if keep_states:
            states["completed"] = step.state

    lifecycle(record=False, keep_states=True)
    return _inprocess_result(stats, _time_budget(seconds, lifecycle)), states


def compression(states: dict[str, bytes]) -> dict[str, Any]:
    """The adapter's state as stored, as JSON, and what zlib levels 1 and 6 make of the JSON at what cost."""
    out = {}
    for stage, blob in states.items():
        text = blob if blob[:1] == b"{" else zlib.decompress(blob)
        row: dict[str, Any] = {"stored_bytes": len(blob), "json_bytes": len(text)}
        for level in (1, 6):
            packed = zlib.compress(text, level)
            n = 200
            t0 = time.perf_counter()
            for _ in range(n):
                zlib.compress(text, level)
            t1 = time.perf_counter()
            for _ in range(n):
                zlib.decompress(packed)
            t2 = time.perf_counter()
            row[f"zlib{level}_bytes"] = len(packed)
            row[f"zlib{level}_compress_ms"] = round((t1 - t0) / n * 1000, 3)
            row[f"zlib{level}_decompress_ms"] = round((t2 - t1) / n * 1000, 3)
        out[stage] = row
    return out


# --- the service under test ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``python -m uvicorn engine.app:create_app --factory`` in its own process (and process group)."""

    def __init__(self, database_url: str, workers: int, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.database_url = database_url
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, **SERVER_ENV, "YIJIAN_DATABASE_URL": self.database_url}
        cmd = [
            sys.executable, "-m", "uvicorn", "engine.app:create_app", "--factory",
            "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(self.workers),
            "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/health", timeout=2).json().get("database") == "ok":
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not become healthy; see {self.log}")
            time.sleep(0.2)
        if self.workers > 1:  # every worker must be up before the clock starts
            deadline = time.monotonic() + 30
            while len(self.pids()) < self.workers + 1 and time.monotonic() < deadline:
                time.sleep(0.2)
        return self

    def pids(self) -> list[int]:
        return process_tree(self.proc.pid) if self.proc else []

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@dataclass
class People:
    designer: dict[str, str]
    by_department: dict[str, dict[str, str]]


def create_users(engine: sa.Engine) -> None:
    """Users through the real auth service (what ``yijian users create`` does)."""
    from engine import clock
    from engine.auth import service as auth
    from engine.auth.schemas import UserCreate
    from engine.db import transaction

    with transaction(engine) as session:
        now = clock.now(session)
        auth.create_user(session, UserCreate(username="bench_designer", password=PASSWORD, role="designer"), now=now)
        for department, username in CLERKS.items():
            body = UserCreate(username=username, password=PASSWORD, role="clerk", department=department, region=REGION)
            auth.create_user(session, body, now=now)


def log_in(url: str) -> People:
    def token(username: str) -> dict[str, str]:
        response = httpx.post(f"{url}/api/auth/token", data={"username": username, "password": PASSWORD}, timeout=30)
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return People(token("bench_designer"), {dept: token(name) for dept, name in CLERKS.items()})


def deploy(url: str, people: People) -> None:
    files = [("files", (name, content, "application/octet-stream")) for name, content in sorted(bundle_files().items())]
    response = httpx.post(f"{url}/api/bundles", files=files, headers=people.designer, timeout=60)
    if response.status_code not in (200, 201):
        raise RuntimeError(f"deploy failed: {response.status_code} {response.text}")


def template_instance(server: Server, people: People) -> int:
    """A real instance with its 5 department tasks open (started, 受理 completed): the seed's model."""
    body = {"bundle_id": BUNDLE_ID, "data": APPLICATION, "receiving_region": REGION, "business_key": "SEED-MODEL"}
    with httpx.Client(base_url=server.url, timeout=60) as client:
        started = client.post("/api/instances", json=body, headers=people.by_department["zwfw"])
        started.raise_for_status()
        accept = next(t for t in started.json()["tasks"] if t["state"] == "ready")
        done = client.post(
            f"/api/tasks/{accept['id']}/complete",
            json={"data": DEPARTMENTS["accept"][2]},
            headers=people.by_department["zwfw"],
        )
        done.raise_for_status()
        return started.json()["id"]


def seed_tasks(engine: sa.Engine, n_tasks: int, template_id: int) -> dict[str, Any]:
    """``n_tasks`` open department tasks written with bulk INSERTs, then ANALYZE.

    Rows are copies of a real instance and its 5 open tasks (so every column the service has is
    filled as the service fills it), spread over 4 regions and 9 days of creation dates.  The copies'
    ``state`` is a placeholder: they are only ever read by inbox queries, never stepped.
    """
    from engine.instances.models import ProcessInstance
    from engine.tasks.models import Task

    rng = random.Random(20240601)
    t0 = time.perf_counter()
    instance_table, task_table = ProcessInstance.__table__, Task.__table__
    with engine.connect() as conn:
        model = dict(conn.execute(sa.select(instance_table).where(instance_table.c.id == template_id)).mappings().one())
        model_tasks = [
            dict(row)
            for row in conn.execute(
                sa.select(task_table)
                .where(task_table.c.instance_id == template_id, task_table.c.state == "ready")
                .order_by(task_table.c.id)
            ).mappings()
        ]
    del model["id"]
    for row in model_tasks:
        del row["id"]
    per_instance = len(model_tasks)
    n_instances = -(-n_tasks // per_instance)

    def shifted(row: dict[str, Any], offset: timedelta) -> dict[str, Any]:
        return {k: v + offset if isinstance(v, datetime) else v for k, v in row.items()}

    written = 0
    with engine.begin() as conn:
        for first in range(0, n_instances, 2000):
            rows, offsets = [], []
            for i in range(first, min(first + 2000, n_instances)):
                offset = -timedelta(days=rng.uniform(0, 9))
                region = SEED_REGIONS[i % len(SEED_REGIONS)]
                row = shifted(model, offset)
                row.update(
                    business_key=f"SEED-{i}",
                    receiving_region=region,
                    handling_region=region,
                    subject=f"种子办件 {i}",
                    state=b'{"seeded":true}',
                )
                rows.append(row)
                offsets.append((offset, region))
            ids = conn.execute(
                instance_table.insert().returning(instance_table.c.id, sort_by_parameter_order=True), rows
            ).scalars()
            tasks = []
            for instance_id, (offset, region) in zip(ids, offsets, strict=True):
                for model_task in model_tasks[: n_tasks - written]:
                    task = shifted(model_task, offset)
                    task.update(
                        instance_id=instance_id,
                        spiff_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        region=region,
                        subject=f"种子办件 {instance_id}",
                    )
                    tasks.append(task)
                written += min(per_instance, n_tasks - written)
            conn.execute(task_table.insert(), tasks)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
        else:
            conn.execute(sa.text("ANALYZE"))
            conn.commit()
        ready = task_table.c.state == "ready"
        open_total = conn.execute(sa.select(sa.func.count()).select_from(task_table).where(ready)).scalar_one()
        visible = conn.execute(
            sa.select(sa.func.count())
            .select_from(task_table)
            .where(task_table.c.department == INBOX_CLERK, task_table.c.region == REGION, ready)
        ).scalar_one()
    return {
        "seeded_tasks": written,
        "seeded_instances": n_instances,
        "open_tasks_total": open_total,
        "open_tasks_in_clerk_inbox": visible,
        "seconds": round(time.perf_counter() - t0, 1),
    }


# --- HTTP load -------------------------------------------------------------------------------------------


class Response:
    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code, self.body = status_code, body

    def json(self) -> Any:
        return json.loads(self.body)


class KeepAliveClient:
    """The load loop's HTTP client: one persistent HTTP/1.1 connection on the standard library.

    httpx cost ~3 ms of CPU per request on a 2-core machine where the server gets the rest, so the
    load generator took CPU from the service it measures; this does the same requests (JSON bodies,
    bearer tokens, gzip accepted and decoded, keep-alive) for a fraction of that.
    """

    def __init__(self, base_url: str, timeout: float = 120) -> None:
        url = httpx.URL(base_url)
        self.conn = http.client.HTTPConnection(url.host, url.port, timeout=timeout)

    def post(self, path: str, json: Any, headers: dict[str, str]) -> Response:
        body = _dumps(json).encode()  # `json` is httpx's parameter name; the module is `_dumps`
        self.conn.request(
            "POST",
            path,
            body=body,
            headers={**headers, "Content-Type": "application/json", "Accept-Encoding": "gzip"},
        )
        reply = self.conn.getresponse()
        content = reply.read()
        if reply.getheader("Content-Encoding") == "gzip":
            content = gzip.decompress(content)
        return Response(reply.status, content)

    def __enter__(self) -> KeepAliveClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()


def http_lifecycle(
    client: httpx.Client | KeepAliveClient,
    people: People,
    key: str,
    record: Callable[[str, float, int], None] | None,
    until: float,
    after_step: Callable[[int, int], None] | None = None,
) -> None:
    """Start an instance as the window clerk, then complete every ready task as its department's clerk."""
    body = {"bundle_id": BUNDLE_ID, "data": APPLICATION, "receiving_region": REGION, "business_key": key}
    t0 = time.perf_counter()
    response = client.post("/api/instances", json=body, headers=people.by_department["zwfw"])
    if record:
        record("start", time.perf_counter() - t0, response.status_code)
    if response.status_code != 201:
        return
    view = response.json()
    step = 0
    if after_step:
        after_step(view["id"], step)
    ready = [t for t in view["tasks"] if t["state"] == "ready"]
    while ready and time.perf_counter() < until:
        task = ready[0]
        data = DEPARTMENTS[task["name"]][2]
        t0 = time.perf_counter()
        response = client.post(
            f"/api/tasks/{task['id']}/complete", json={"data": data}, headers=people.by_department[task["department"]]
        )
        if record:
            record("complete", time.perf_counter() - t0, response.status_code)
        if response.status_code != 200:
            return
        view = response.json()["instance"]
        step += 1
        if after_step:
            after_step(view["id"], step)
        ready = [t for t in view["tasks"] if t["state"] == "ready"]


class LockSampler:
    """Samples pg_stat_activity of the benchmark database: how many backends run, wait on a lock, or sit
    idle inside a transaction (holding its locks while the application works)."""

    def __init__(self, url: str, interval: float = 0.02) -> None:
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        self.interval = interval
        self.samples: list[tuple[int, int, int]] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.waits: Counter[str] = Counter()

    def run(self) -> None:
        query = sa.text(
            "SELECT state, wait_event_type, wait_event FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            while not self.stop.is_set():
                rows = conn.execute(query).all()
                active = sum(1 for r in rows if r.state == "active")
                locked = sum(1 for r in rows if r.state == "active" and r.wait_event_type == "Lock")
                idle_tx = sum(1 for r in rows if r.state == "idle in transaction")
                for r in rows:
                    if r.state == "active" and r.wait_event_type == "Lock":
                        self.waits[r.wait_event] += 1
                self.samples.append((active, locked, idle_tx))
                time.sleep(self.interval)

    def __enter__(self) -> LockSampler:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.engine.dispose()

    def summary(self) -> dict[str, Any]:
        n = len(self.samples) or 1
        return {
            "samples": len(self.samples),
            "avg_active_queries": round(sum(s[0] for s in self.samples) / n, 2),
            "avg_waiting_on_lock": round(sum(s[1] for s in self.samples) / n, 2),
            "avg_idle_in_transaction": round(sum(s[2] for s in self.samples) / n, 2),
            "lock_wait_events": dict(self.waits.most_common(5)),
        }


def run_load(
    server: Server, people: People, clients: int, duration: float, label: str, sample_url: str | None
) -> dict[str, Any]:
    """``clients`` threads, each with its own connection, running lifecycles for ``duration`` seconds."""
    per_thread: list[list[tuple[str, float, int]]] = [[] for _ in range(clients)]
    window: dict[str, float] = {}

    def open_window() -> None:  # runs once, before any thread passes the barrier
        window["begin"] = time.perf_counter()
        window["until"] = window["begin"] + duration

    barrier = threading.Barrier(clients + 1, action=open_window)
    failures: list[BaseException] = []

    def client_main(i: int) -> None:
        try:
            with KeepAliveClient(server.url) as client:
                http_lifecycle(client, people, f"{label}-warm-{i}", None, float("inf"))  # warm-up
            barrier.wait()
            mine = per_thread[i]
            n = 0
            until = window["until"]
            while time.perf_counter() < until:
                # One connection per instance, as each applicant or clerk brings their own: the kernel hands
                # each new connection to one worker process, and 8 connections held for the whole run
                # split unevenly (6:2 in about one run of five), which measured the split, not the service.
                with KeepAliveClient(server.url) as client:
                    http_lifecycle(client, people, f"{label}-{i}-{n}", lambda k, s, c: mine.append((k, s, c)), until)
                n += 1
        except BaseException as exc:  # reported after the run
            failures.append(exc)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.abort()

    threads = [threading.Thread(target=client_main, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    begin = window["begin"]
    cpu0 = (time.process_time(), cpu_snapshot(server.pids()), cpu_snapshot(backend_pids(sample_url)))
    machine0 = machine_jiffies()
    sampler = LockSampler(sample_url) if sample_url else contextlib.nullcontext()
    with sampler:
        for t in threads:
            t.join()
    elapsed = time.perf_counter() - begin
    cpu1 = (time.process_time(), cpu_snapshot(server.pids()), cpu_snapshot(backend_pids(sample_url)))
    machine1 = machine_jiffies()
    used = {
        "clients": cpu1[0] - cpu0[0],
        "server": cpu_delta(cpu0[1], cpu1[1]),
        **({"postgres": cpu_delta(cpu0[2], cpu1[2])} if sample_url else {}),
    }
    if failures:
        raise RuntimeError(f"{label}: a client failed: {failures[0]!r}") from failures[0]
    stats = {"start": OpStats(), "complete": OpStats()}
    for rows in per_thread:
        for kind, seconds, status in rows:
            if status in (200, 201):
                stats[kind].latencies.append(seconds)
            else:
                stats[kind].errors[str(status)] += 1
    completes = len(stats["complete"].latencies) or 1
    result: dict[str, Any] = {name: s.summary(elapsed) for name, s in stats.items()}
    result["elapsed_s"] = round(elapsed, 2)
    result["cpu_ms_per_complete"] = {k: round(v / completes * 1000, 2) for k, v in used.items()}
    result["cpu_utilisation"] = {k: round(v / elapsed, 2) for k, v in used.items()}
    busy = (machine1[0] - machine0[0]) - (machine1[1] - machine0[1])
    result["machine_busy_cores"] = round(busy / elapsed, 2)
    result["other_processes_cores"] = round((busy - sum(used.values())) / elapsed, 2)
    if sample_url:
        result["pg_activity"] = sampler.summary()  # type: ignore[union-attr]
    return result


def stored_state_sizes(server: Server, people: People, engine: sa.Engine) -> dict[str, int]:
    """``len(process_instance.state)`` of one instance at start, mid (受理 + 2 of 5) and completed."""
    from engine.instances.models import ProcessInstance

    sizes: dict[str, int] = {}
    names = {0: "start", 3: "mid", 6: "completed"}

    def measure(instance_id: int, step: int) -> None:
        if step in names:
            with engine.connect() as conn:
                state = conn.execute(sa.select(ProcessInstance.state).where(ProcessInstance.id == instance_id))
                sizes[names[step]] = len(state.scalar_one())

    with httpx.Client(base_url=server.url, timeout=60) as client:
        http_lifecycle(client, people, "size-probe", None, float("inf"), after_step=measure)
    return sizes


def bench_inbox(server: Server, people: People, requests: int) -> dict[str, Any]:
    """``GET /api/tasks`` as the market clerk, sequentially: default (by due date) and newest first."""
    out = {}
    headers = people.by_department[INBOX_CLERK]
    with httpx.Client(base_url=server.url, timeout=60) as client:
        for name, params in (("inbox_due", {}), ("inbox_created", {"sort": "created"})):
            stats, items = OpStats(), 0
            for i in range(requests + 20):
                t0 = time.perf_counter()
                response = client.get("/api/tasks", params=params, headers=headers)
                seconds = time.perf_counter() - t0
                if response.status_code != 200:
                    stats.errors[str(response.status_code)] += 1
                elif i >= 20:  # the first 20 warm caches and connections
                    stats.latencies.append(seconds)
                    items = len(response.json()["items"])
            out[name] = stats.summary(sum(stats.latencies))
            out[name]["items_per_page"] = items
    return out


def sql_per_request(url: str, people: People) -> dict[str, Any]:
    """SQL statements each request of one lifecycle runs (the app in-process on the same database, its
    engine instrumented): every statement is a round trip, most of them inside the write transaction."""
    with warnings.catch_warnings():  # starlette's note about httpx versions is not ours to act on
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from engine.app import create_app
    from engine.config import get_settings
    from engine.db import make_engine

    engine = make_engine(url)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(" ".join(a[2].split())[:160]))
    counts: dict[str, Any] = {}
    try:
        with TestClient(create_app(get_settings(), engine)) as client:
            body = {"bundle_id": BUNDLE_ID, "data": APPLICATION, "receiving_region": REGION, "business_key": "SQL"}
            statements.clear()
            view = client.post("/api/instances", json=body, headers=people.by_department["zwfw"]).json()
            counts["start"] = len(statements)
            ready = [t for t in view["tasks"] if t["state"] == "ready"]
            step = 0
            while ready:
                task = ready[0]
                statements.clear()
                response = client.post(
                    f"/api/tasks/{task['id']}/complete",
                    json={"data": DEPARTMENTS[task["name"]][2]},
                    headers=people.by_department[task["department"]],
                )
                response.raise_for_status()
                step += 1
                name = {1: "complete_accept", 2: "complete_department", 6: "complete_last"}.get(step)
                if name:
                    counts[name] = len(statements)
                    if name == "complete_department":
                        counts["complete_department_statements"] = list(statements)
                ready = [t for t in response.json()["instance"]["tasks"] if t["state"] == "ready"]
            statements.clear()
            client.get("/api/tasks", headers=people.by_department[INBOX_CLERK])
            counts["inbox"] = len(statements)
    finally:
        engine.dispose()
    return counts


@contextlib.contextmanager
def py_spy(server: Server, out: Path, seconds: float, mode: str) -> Iterator[None]:
    """Sample the server's workers while the block runs: ``--gil`` (CPU: only the thread holding the GIL)
    or ``--idle`` (wall clock: every thread, waiting ones included)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    spy = Path(sys.executable).with_name("py-spy")
    cmd = [
        str(spy), "record", "--pid", str(server.proc.pid), "--subprocesses", mode, "--nolineno",
        "--rate", "100", "--format", "raw", "--output", str(out), "--duration", str(int(seconds) + 3),
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    try:
        yield
    finally:
        proc.wait(timeout=seconds + 60)


# Where a sample's own time goes: the innermost frame from one of these (stdlib frames count for
# the library or engine code that called them).
_PACKAGES = (
    ("psycopg", "DB driver (psycopg)"),
    ("sqlite3", "DB driver (sqlite3)"),
    ("sqlalchemy/", "SQLAlchemy ORM/Core"),
    ("sqlmodel/", "SQLAlchemy ORM/Core"),
    ("SpiffWorkflow/", "SpiffWorkflow + runtime adapter"),
    ("engine/runtime/", "SpiffWorkflow + runtime adapter"),
    ("RestrictedPython/", "SpiffWorkflow + runtime adapter"),
    ("jsonschema", "JSON-schema form validation"),
    ("referencing/", "JSON-schema form validation"),
    ("engine/forms/", "JSON-schema form validation"),
    ("pydantic", "FastAPI/pydantic/Starlette/uvicorn"),
    ("fastapi/", "FastAPI/pydantic/Starlette/uvicorn"),
    ("starlette/", "FastAPI/pydantic/Starlette/uvicorn"),
    ("uvicorn/", "FastAPI/pydantic/Starlette/uvicorn"),
    ("h11/", "FastAPI/pydantic/Starlette/uvicorn"),
    ("anyio/", "FastAPI/pydantic/Starlette/uvicorn"),
    ("asyncio/", "FastAPI/pydantic/Starlette/uvicorn"),
    ("engine/", "other engine code (service, audit, views)"),
)
_DB_WAIT = ("Connection.wait (psycopg/", "wait_c (psycopg", "execute (sqlite3")


def _stacks(path: Path) -> Iterator[tuple[list[str], int]]:
    for line in path.read_text(errors="replace").splitlines():
        frames, _, count = line.rpartition(" ")
        if frames and count.isdigit():
            yield frames.split(";")[1:], int(count)  # the first "frame" names the process


def _package(frames: list[str]) -> str:
    for frame in reversed(frames):
        for needle, name in _PACKAGES:
            if needle in frame:
                return name
    return "other (stdlib, threads)"


def _engine_frames(frames: list[str]) -> list[str]:
    return [f for f in frames if "(engine/" in f]


def _shares(counter: Counter[str], total: int, top: int) -> list[list[Any]]:
    return [[name, round(100 * n / total, 1)] for name, n in counter.most_common(top)] if total else []


def summarize_profile(cpu: Path, wall: Path, route: str = "complete (engine/tasks/routes.py)") -> dict[str, Any]:
    """CPU: self time by package and inclusive time by engine function.  Wall clock: what the
    complete-task request waits for (PostgreSQL, or the GIL/its own Python), by innermost engine frame."""
    by_package: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    cpu_total = 0
    for frames, n in _stacks(cpu):
        cpu_total += n
        by_package[_package(frames)] += n
        for frame in set(_engine_frames(frames)):
            inclusive[frame] += n
    waiting: Counter[str] = Counter()
    wall_total = 0
    db_wait = 0
    for frames, n in _stacks(wall):
        if route not in frames:
            continue
        wall_total += n
        inner = _engine_frames(frames)[-1]
        if any(marker in frames[-1] for marker in _DB_WAIT):
            db_wait += n
            waiting[f"DB wait in {inner}"] += n
        else:
            waiting[f"Python in {inner}"] += n
    return {
        "files": [str(cpu), str(wall)],
        "cpu_samples": cpu_total,
        "cpu_by_package_pct": _shares(by_package, cpu_total, 12),
        "cpu_inclusive_engine_pct": _shares(inclusive, cpu_total, 25),
        "complete_wall_samples": wall_total,
        "complete_wall_db_wait_pct": round(100 * db_wait / wall_total, 1) if wall_total else None,
        "complete_wall_pct": _shares(waiting, wall_total, 15),
    }


# --- one database ---------------------------------------------------------------------------------------


def check_postgres(admin_url: str) -> None:
    engine = sa.create_engine(admin_url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        where = sa.engine.make_url(admin_url).render_as_string(hide_password=True)
        message = f"PostgreSQL at {where} is not reachable; use --pg-url or --skip-postgres\n{exc.orig}"
        raise SystemExit(message) from None
    finally:
        engine.dispose()


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    name = f"yijian_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _loaded(server: Server, people: People, args: argparse.Namespace, label: str, sample_url: str | None) -> dict:
    progress(f"{label}: {args.clients} clients x {args.duration:g} s against {server.workers} worker(s) ...")
    run = run_load(server, people, args.clients, args.duration, f"{label}{server.workers}", sample_url)
    c = run["complete"]
    progress(f"{label}: complete p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms, {c['per_s']}/s")
    return run


def _profiled(server: Server, people: People, args: argparse.Namespace, label: str) -> dict[str, Any]:
    files = {}
    for mode in ("--gil", "--idle"):
        out = files[mode] = Path(args.profile) / f"{label}-{server.workers}w{mode[1:]}.pyspy.txt"
        progress(f"{label}: profiling {args.duration:g} s of load with py-spy {mode} -> {out}")
        with py_spy(server, out, args.duration, mode):
            run_load(server, people, args.clients, args.duration, f"{label}{mode}", None)
    return summarize_profile(files["--gil"], files["--idle"])


def bench_database(
    kind: str, url: str, worker_counts: list[int], args: argparse.Namespace, log: Path
) -> dict[str, Any]:
    """Users, deploy, seed, state sizes, then per worker count: load (+ profile); 1 client; inbox; SQL."""
    from engine.db import make_engine
    from engine.tables import metadata

    engine = make_engine(url)
    metadata.create_all(engine)
    create_users(engine)
    sample_url = url if kind == "postgres" else None
    result: dict[str, Any] = {"runs": {}}
    try:
        for n, workers in enumerate(worker_counts):
            with Server(url, workers, log) as server:
                people = log_in(server.url)
                if n == 0:
                    deploy(server.url, people)
                    progress(f"{kind}: seeding {args.seed_tasks} open tasks with bulk INSERTs ...")
                    result["seed"] = seed_tasks(engine, args.seed_tasks, template_instance(server, people))
                    progress(f"{kind}: seeded in {result['seed']['seconds']} s")
                    result["state_bytes"] = stored_state_sizes(server, people, engine)
                result["runs"][str(workers)] = _loaded(server, people, args, kind, sample_url)
                if n == 0:
                    seconds = min(10.0, args.duration)
                    progress(f"{kind}: 1 client x {seconds:g} s (service time without queueing) ...")
                    result["serial"] = run_load(server, people, 1, seconds, f"{kind}serial", None)
                    progress(f"{kind}: inbox queries ...")
                    result["inbox"] = bench_inbox(server, people, args.inbox_requests)
                    result["sql_per_request"] = sql_per_request(url, people)
                if args.profile:
                    result.setdefault("profile", {})[str(workers)] = _profiled(server, people, args, kind)
    finally:
        engine.dispose()
    return result


# --- report ---------------------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), platform.processor())
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "spiffworkflow": package_version("SpiffWorkflow"),
        "sqlalchemy": package_version("SQLAlchemy"),
        "uvicorn": package_version("uvicorn"),
        "sqlite": sqlite3.sqlite_version,
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "git": git_revision(),
    }


def git_revision() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "engine"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return "unknown"
    return head.stdout.strip() + (" + uncommitted changes in engine/" if dirty.stdout.strip() else "")


def raw_reference(report: dict[str, Any]) -> float:
    """Raw SpiffWorkflow completions/s: the better of the two measurements (start and end of the run), since
    other load on the machine can only slow it down — the stricter reference for the ratio."""
    runs = [report[k]["complete"]["per_s"] for k in ("raw_spiff", "raw_spiff_end") if k in report]
    return max(runs)


def targets(report: dict[str, Any]) -> list[dict[str, Any]]:
    raw = raw_reference(report)
    found = []
    pg = report.get("postgres")
    for workers, run in (pg or {}).get("runs", {}).items():
        ratio = run["complete"]["per_s"] / raw
        found.append(
            {
                "target": f"PG complete-task throughput, {report['config']['clients']} clients, {workers} worker(s) "
                ">= 40% of raw",
                "measured": f"{ratio:.0%} ({run['complete']['per_s']}/s vs raw {raw}/s)",
                "met": ratio >= 0.40,
            }
        )
        found.append(
            {
                "target": f"PG complete-task p95 <= 50 ms, {workers} worker(s)",
                "measured": f"{run['complete']['p95_ms']} ms",
                "met": run["complete"]["p95_ms"] <= 50,
            }
        )
    for kind in ("postgres", "sqlite"):
        if report.get(kind, {}).get("inbox"):
            inbox = report[kind]["inbox"]["inbox_due"]
            seed = report[kind]["seed"]
            found.append(
                {
                    "target": f"{kind} inbox GET /api/tasks p95 <= 20 ms with {seed['open_tasks_total']:,} open tasks",
                    "measured": f"{inbox['p95_ms']} ms",
                    "met": inbox["p95_ms"] <= 20,
                }
            )
    return found


def table(report: dict[str, Any]) -> str:
    cfg = report["config"]
    raw = raw_reference(report)
    lines = [
        f"5-department bundle; HTTP: {cfg['clients']} clients x {cfg['duration_s']:g} s (unless 1 client); in-process: "
        f"1 thread x {cfg['inprocess_s']:g} s; throughput = operations per wall-clock second of the mixed "
        "workload (1 start + 6 completes per instance); 'vs raw' = complete/s over the better raw run",
        "",
        f"{'scenario':<40} {'op':<9} {'n':>7} {'p50 ms':>8} {'p95 ms':>8} {'ops/s':>8} {'vs raw':>7} {'errors':>6}",
        "-" * 100,
    ]

    def rows(name: str, result: dict[str, Any]) -> None:
        for op in ("start", "complete"):
            s = result[op]
            ratio = f"{s['per_s'] / raw:.0%}" if op == "complete" and s["per_s"] else ""
            errors = sum(s["errors"].values())
            lines.append(
                f"{name if op == 'start' else '':<40} {op:<9} {s['n']:>7} {s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f} "
                f"{s['per_s']:>8.1f} {ratio:>7} {errors:>6}"
            )

    rows("raw SpiffWorkflow, in-process", report["raw_spiff"])
    if "raw_spiff_end" in report:
        rows("raw SpiffWorkflow, again at the end", report["raw_spiff_end"])
    rows("runtime adapter, in-process", report["adapter"])
    for kind, label in (("sqlite", "HTTP SQLite"), ("postgres", "HTTP PostgreSQL")):
        for workers, run in report.get(kind, {}).get("runs", {}).items():
            rows(f"{label}, {workers} worker{'s' if workers != '1' else ''}", run)
        if "serial" in report.get(kind, {}):
            rows(f"{label}, 1 worker, 1 client", report[kind]["serial"])
    lines.append("")
    header = f"{'inbox GET /api/tasks (1 client, sequential)':<50} {'n':>5} {'p50 ms':>8} {'p95 ms':>8}"
    lines.append(f"{header}  open tasks")
    for kind in ("sqlite", "postgres"):
        data = report.get(kind)
        if not data or "inbox" not in data:
            continue
        seed = data["seed"]
        for name, s in data["inbox"].items():
            what = "by due date" if name == "inbox_due" else "newest first"
            lines.append(
                f"{kind + ', ' + what:<50} {s['n']:>5} {s['p50_ms']:>8.2f} {s['p95_ms']:>8.2f}  "
                f"{seed['open_tasks_total']:,} total, {seed['open_tasks_in_clerk_inbox']:,} in this clerk's inbox"
            )
    lines.append("")
    lines.append(
        "where the CPU goes (ms of CPU per completed task, the 1-in-7 share of starts included; utilisation in cores)"
    )
    for key, name in (("raw_spiff", "raw SpiffWorkflow"), ("adapter", "runtime adapter")):
        lines.append(f"  {name}, in-process: {report[key]['cpu_ms_per_complete']} ms (1 thread)")
    for kind in ("sqlite", "postgres"):
        for workers, run in report.get(kind, {}).get("runs", {}).items():
            cpu, util = run["cpu_ms_per_complete"], run["cpu_utilisation"]
            parts = ", ".join(f"{k} {v} ms ({util[k]} cores)" for k, v in cpu.items())
            lines.append(f"  {kind}, {workers} worker(s): {parts}")
            lines.append(
                f"    machine busy {run['machine_busy_cores']} of {report['machine']['nproc']} cores, "
                f"of which {run['other_processes_cores']} cores outside this benchmark"
            )
            if "pg_activity" in run:
                act = run["pg_activity"]
                lines.append(
                    f"    pg_stat_activity: {act['avg_active_queries']} running, {act['avg_waiting_on_lock']} waiting "
                    f"on a lock, {act['avg_idle_in_transaction']} idle in transaction "
                    f"(avg of {act['samples']} samples); lock waits: {act['lock_wait_events']}"
                )
    lines.append("")
    for kind in ("sqlite", "postgres"):
        counts = report.get(kind, {}).get("sql_per_request")
        if counts:
            lines.append(
                f"SQL statements per request, {kind} (+ COMMIT): start {counts['start']}, complete 受理 "
                f"{counts['complete_accept']}, complete a department {counts['complete_department']}, complete the "
                f"last department {counts['complete_last']}, inbox {counts['inbox']}"
            )
    lines.append("")
    lines.append(f"{'stored state per instance (bytes)':<38} {'start':>8} {'mid':>8} {'completed':>10}")
    sizes = report["state_bytes"]
    for name, data in sizes.items():
        if data:
            lines.append(
                f"  {name:<36} {data.get('start', 0):>8,} {data.get('mid', 0):>8,} {data.get('completed', 0):>10,}"
            )
    comp = report["adapter_state_compression"]
    for level in (1, 6):
        lines.append(
            f"  {'adapter JSON, zlib level ' + str(level):<36}"
            + "".join(f" {comp[stage][f'zlib{level}_bytes']:>8,}" for stage in ("start", "mid"))
            + f" {comp['completed'][f'zlib{level}_bytes']:>10,}"
            + f"   (at mid: compress {comp['mid'][f'zlib{level}_compress_ms']} ms, "
            + f"decompress {comp['mid'][f'zlib{level}_decompress_ms']} ms)"
        )
    for kind in ("sqlite", "postgres"):
        for workers, prof in report.get(kind, {}).get("profile", {}).items():
            lines.append("")
            lines.append(f"server profile (py-spy), {kind}, {workers} worker(s), {prof['cpu_samples']} CPU samples")
            lines.append("  CPU by package: " + ", ".join(f"{n} {p}%" for n, p in prof["cpu_by_package_pct"]))
            lines.append("  CPU inclusive, engine functions:")
            lines.extend(f"    {p:>5}%  {n}" for n, p in prof["cpu_inclusive_engine_pct"])
            lines.append(
                f"  complete-task wall clock ({prof['complete_wall_samples']} samples): "
                f"{prof['complete_wall_db_wait_pct']}% waiting on the database"
            )
            lines.extend(f"    {p:>5}%  {n}" for n, p in prof["complete_wall_pct"])
    lines.append("")
    lines.append("targets")
    for t in report["targets"]:
        lines.append(f"  [{'MET ' if t['met'] else 'MISS'}] {t['target']}: {t['measured']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients (default 8)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load per HTTP run (default 30)")
    parser.add_argument("--seed-tasks", type=int, default=100_000, help="open tasks seeded for the inbox query")
    parser.add_argument("--inprocess-seconds", type=float, default=10.0, help="seconds per in-process baseline")
    parser.add_argument("--inbox-requests", type=int, default=300, help="measured inbox requests per variant")
    parser.add_argument("--pg-workers", default="1,2", help="uvicorn worker counts on PostgreSQL (default 1,2)")
    parser.add_argument("--skip-postgres", action="store_true", help="SQLite and in-process only")
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL and in-process only")
    parser.add_argument("--quick", action="store_true", help="short smoke run (5 s loads, 5,000 seeded tasks)")
    parser.add_argument("--profile", metavar="DIR", help="also profile the server with py-spy (an extra load run)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON (the table goes to stderr)")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("YIJIAN_TEST_POSTGRES_URL", DEFAULT_PG_ADMIN_URL),
        help="PostgreSQL server to create the throwaway database on",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.seed_tasks, args.inprocess_seconds, args.inbox_requests = 5.0, 5_000, 2.0, 60

    if not args.skip_postgres:
        check_postgres(args.pg_url)
    os.environ.update(SERVER_ENV)
    from engine.config import get_settings

    get_settings.cache_clear()

    report: dict[str, Any] = {
        "command": " ".join(["python", "bench/engine_bench.py", *(argv if argv is not None else sys.argv[1:])]),
        "machine": machine(),
        "config": {
            "clients": args.clients,
            "duration_s": args.duration,
            "seed_tasks": args.seed_tasks,
            "inprocess_s": args.inprocess_seconds,
            "pg_workers": args.pg_workers,
        },
    }
    progress(f"raw SpiffWorkflow in-process, {args.inprocess_seconds:g} s ...")
    report["raw_spiff"], raw_sizes = bench_raw_spiff(args.inprocess_seconds)
    progress(f"runtime adapter in-process, {args.inprocess_seconds:g} s ...")
    report["adapter"], adapter_states = bench_adapter(args.inprocess_seconds)
    report["adapter_state_compression"] = compression(adapter_states)
    report["state_bytes"] = {
        "raw Spiff JSON (spec embedded)": raw_sizes,
        "adapter state as JSON (spec by ref)": {
            k: v["json_bytes"] for k, v in report["adapter_state_compression"].items()
        },
        "adapter state as stored": {k: len(v) for k, v in adapter_states.items()},
    }

    with tempfile.TemporaryDirectory(prefix="yijian-bench-") as tmp:
        log = Path(tmp) / "server.log"
        try:
            if not args.skip_sqlite:
                url = f"sqlite:///{Path(tmp) / 'bench.db'}"
                report["sqlite"] = bench_database("sqlite", url, [1], args, log)
                report["state_bytes"]["process_instance.state, SQLite"] = report["sqlite"]["state_bytes"]
            if not args.skip_postgres:
                workers = [int(w) for w in args.pg_workers.split(",") if w.strip()]
                with postgres_database(args.pg_url) as url:
                    with sa.create_engine(url).connect() as conn:
                        report["machine"]["postgresql"] = conn.execute(sa.text("SHOW server_version")).scalar_one()
                    report["postgres"] = bench_database("postgres", url, workers, args, log)
                report["state_bytes"]["process_instance.state, PostgreSQL"] = report["postgres"]["state_bytes"]
        except BaseException:
            if log.exists():
                sys.stderr.write(log.read_text(errors="replace")[-4000:])
            raise
    progress(f"raw SpiffWorkflow in-process again, {args.inprocess_seconds:g} s ...")
    report["raw_spiff_end"], _ = bench_raw_spiff(args.inprocess_seconds)
    report["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = targets(report)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        print(table(report), file=sys.stderr)
    else:
        print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
