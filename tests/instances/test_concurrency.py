"""Two departments finishing the same application at the same moment: both succeed, the join fires
once, nothing either of them wrote is lost, the audit chain stays one chain — for 50 applications at
once, on each database."""

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import httpx
import pytest
from sqlmodel import Session

from engine.audit import service as audit
from tests.conftest import LiveServer
from tests.instances.flow import apply, complete, deploy_mini, inbox
from tests.people import Cast, Person

INSTANCES = 50
THREADS = 8


@pytest.mark.slow
def test_parallel_tasks_of_50_instances_completed_from_8_threads_at_once(
    client: httpx.Client, cast: Cast, server: LiveServer
) -> None:
    deploy_mini(client, cast)
    ids = []
    for i in range(INSTANCES):
        instance = apply(client, cast.window_hz.headers, business_key=f"C-{i}").json()
        accept = next(t for t in instance["tasks"] if t["name"] == "accept")
        assert complete(client, cast.window_hz, accept["id"], {"window": {"accepted": True}}).status_code == 200
        ids.append(instance["id"])

    work: list[tuple[Person, int, dict]] = []
    for person, key in ((cast.market_hz, "market"), (cast.fire_hz, "fire")):
        tasks = inbox(client, person, limit=200)
        assert len(tasks) == INSTANCES
        work += [(person, t["id"], {key: {"approved": True, "opinion": f"{key} #{t['instance_id']}"}}) for t in tasks]
    work.sort(key=lambda w: (w[1] % THREADS, w[1]))  # interleave departments of the same instance

    barrier = threading.Barrier(THREADS)
    shares = [work[i::THREADS] for i in range(THREADS)]

    def run(share: list[tuple[Person, int, dict]], url: str) -> list[int]:
        with httpx.Client(base_url=url, timeout=60) as own:
            barrier.wait()
            return [complete(own, person, task_id, data).status_code for person, task_id, data in share]

    # One server per client, as a deployment runs worker processes: each serves one request at a time,
    # so the database sees THREADS transactions at once (one server would take them one by one).
    with ExitStack() as stack:
        urls = [stack.enter_context(LiveServer(server.engine)).url for _ in range(THREADS)]
        with ThreadPoolExecutor(THREADS) as pool:
            statuses = [s for result in pool.map(run, shares, urls) for s in result]
    assert statuses == [200] * len(work)

    for instance_id in ids:
        view = client.get(f"/api/instances/{instance_id}", headers=cast.admin.headers).json()
        assert view["status"] == "completed", view
        assert view["data"]["market"]["opinion"] == f"market #{instance_id}"
        assert view["data"]["fire"]["opinion"] == f"fire #{instance_id}"
        actions = [e["action"] for e in view["timeline"]]
        assert actions.count("instance.completed") == 1
        assert actions.count("task.completed") == 3
        assert {t["state"] for t in view["tasks"]} == {"completed"}
        diagram = client.get(f"/api/instances/{instance_id}/diagram", headers=cast.admin.headers).json()
        assert diagram["completed_counts"]["join"] == 1, "the join fired more than once"
        assert diagram["completed_counts"]["tally"] == 1

    with Session(server.engine) as session:
        assert list(audit.verify(session)) == [], "the audit chain forked or lost entries under concurrency"
