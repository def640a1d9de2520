"""跨域办: received in 上海 (收件地), decided in 杭州 (办理地). Each clerk sees and completes only the tasks
of their own region; the instance shows both regions."""

import httpx

from tests.instances.flow import apply, complete, deploy_mini, inbox, task_named
from tests.people import HANGZHOU, SHANGHAI, Cast


def test_received_in_shanghai_and_handled_in_hangzhou(client: httpx.Client, cast: Cast) -> None:
    deploy_mini(client, cast)
    started = apply(client, cast.window_sh.headers, receiving_region=SHANGHAI, handling_region=HANGZHOU)
    assert started.status_code == 201, started.text
    instance = started.json()
    assert (instance["receiving_region_name"], instance["handling_region_name"]) == ("上海市", "杭州市")

    assert inbox(client, cast.window_hz) == [], "the 杭州 window does not receive a 上海 application"
    accept = task_named(client, cast.window_sh, "accept", instance["id"])
    assert accept["region"] == SHANGHAI
    assert complete(client, cast.window_hz, accept["id"], {"window": {"accepted": True}}).status_code == 403
    assert complete(client, cast.window_sh, accept["id"], {"window": {"accepted": True}}).status_code == 200

    assert inbox(client, cast.market_sh) == [], "the decision belongs to the handling region"
    market = task_named(client, cast.market_hz, "market_review", instance["id"])
    assert market["region"] == HANGZHOU
    assert complete(client, cast.market_sh, market["id"], {"market": {"approved": True}}).status_code == 403
    assert complete(client, cast.market_hz, market["id"], {"market": {"approved": True}}).status_code == 200

    seen_by_shanghai = client.get(f"/api/instances/{instance['id']}", headers=cast.window_sh.headers)
    assert seen_by_shanghai.status_code == 200, "the receiving window keeps following the case"
    assert client.get(f"/api/instances/{instance['id']}", headers=cast.market_sh.headers).status_code == 403
