"""Messages: correlated delivery, where payloads land, and starting a bundle from a data event."""

from __future__ import annotations

import pytest

from engine.runtime import InvalidData, NothingWaiting, complete_task, send_message, start

from .conftest import NOW

CASE = {"case_no": "A-1", "handling_region": "330100"}


def test_the_cross_region_story(compiled):
    """跨区域: ask the other region, get its answer for this case, then extra material from the applicant."""
    bundle = compiled("cross_region.bpmn", process="cross_region")
    step = start(bundle, CASE, now=NOW)

    [waiting] = step.snapshot.messages
    assert (waiting.bpmn_id, waiting.name) == ("answer", "异地协查结果")
    assert waiting.correlations == {"case_key": {"case_no": "A-1"}}

    step = send_message(bundle, step.state, "异地协查结果", {"case_no": "A-1", "verified": True}, now=NOW)
    assert step.snapshot.completed[0][1:] == ("answer", "intermediateCatchEvent")
    assert step.snapshot.data["verification"] == {"case_no": "A-1", "verified": True}  # messageVariable

    step = send_message(bundle, step.state, "补充材料", {"lease": "租赁合同.pdf"}, now=NOW)
    assert step.snapshot.data["lease"] == "租赁合同.pdf"  # no messageVariable: merged at top level
    assert "补充材料" not in step.snapshot.data
    assert [t.bpmn_id for t in step.snapshot.ready_tasks] == ["decide"]


def test_a_message_for_another_case_is_not_delivered(compiled):
    bundle = compiled("cross_region.bpmn", process="cross_region")
    step = start(bundle, CASE, now=NOW)
    with pytest.raises(NothingWaiting, match="correlates to another case"):
        send_message(bundle, step.state, "异地协查结果", {"case_no": "B-2", "verified": True}, now=NOW)


def test_a_message_nobody_waits_for_is_refused(compiled):
    bundle = compiled("cross_region.bpmn", process="cross_region")
    step = start(bundle, CASE, now=NOW)
    with pytest.raises(NothingWaiting):
        send_message(bundle, step.state, "补充材料", {"lease": "x"}, now=NOW)  # not waiting for it yet
    with pytest.raises(NothingWaiting, match="no event in this bundle"):
        send_message(bundle, step.state, "unknown", {}, now=NOW)


def test_a_payload_without_the_correlation_key_is_invalid(compiled):
    bundle = compiled("cross_region.bpmn", process="cross_region")
    step = start(bundle, CASE, now=NOW)
    with pytest.raises(InvalidData, match="cannot be correlated"):
        send_message(bundle, step.state, "异地协查结果", {"verified": True}, now=NOW)


def test_a_data_event_starts_the_automatic_path(compiled):
    """免申即享: the newborn.registered event starts the bundle; the window start is not taken."""
    bundle = compiled("newborn.bpmn", process="newborn")
    assert bundle.message_starts == frozenset({"newborn.registered"})

    step = start(bundle, {"child_name": "小明"}, now=NOW, message="newborn.registered")
    assert [c[1] for c in step.snapshot.completed] == ["event_start", "auto_grant"]
    assert step.snapshot.data["granted"] == "小明 医保参保"
    assert [t.bpmn_id for t in step.snapshot.ready_tasks] == ["confirm"]

    step = complete_task(bundle, step.state, step.snapshot.ready_tasks[0].id, {}, now=NOW)
    assert step.snapshot.status == "completed"


def test_an_event_start_keeps_the_engine_data_beside_the_payload(compiled):
    """The region and material keys the engine adds stay at top level; only the payload is the message."""
    bundle = compiled("newborn.bpmn", process="newborn")
    engine_data = {"receiving_region": "330100", "missing_materials": []}
    step = start(bundle, engine_data, now=NOW, message="newborn.registered", payload={"child_name": "小红"})
    assert step.snapshot.data["receiving_region"] == "330100"
    assert step.snapshot.data["granted"] == "小红 医保参保"


def test_without_a_message_the_window_start_is_taken(compiled):
    bundle = compiled("newborn.bpmn", process="newborn")
    step = start(bundle, {"child_name": "小明"}, now=NOW)
    assert [t.bpmn_id for t in step.snapshot.ready_tasks] == ["fill_form"]
    assert step.snapshot.messages == []


def test_starting_with_a_message_the_process_does_not_start_on(compiled):
    bundle = compiled("newborn.bpmn", process="newborn")
    with pytest.raises(NothingWaiting):
        start(bundle, {}, now=NOW, message="company.founded")
