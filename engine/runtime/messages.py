"""Message events whose payload is never silently dropped.

Spiff 3.2.0 copies a caught message's payload into task data only when the catch event names a
``spiffworkflow:messageVariable``; without one the payload is thrown away (and kept forever in the
task's internal data).  For 一件事 the common case is an external system delivering facts the
process goes on with (异地协查结果, a 免申即享 data event), so the rule here is:

- with ``spiffworkflow:messageVariable``: the payload lands in that variable;
- without: a dict payload is merged into the task data at top level (like a completed form is);
  any other payload is an error that names the event, since there is no key to put it under.

Delivery still goes through Spiff's own ``MessageEventDefinition`` machinery (equality by class and
name, correlations computed from the payload), so internal throw/catch between processes of one
instance works unchanged.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition as SpiffMessageEventDefinition


class Message(SpiffMessageEventDefinition):
    """Spiff's message definition with the payload rule above."""

    def update_task_data(self, my_task: Any) -> None:
        if self.name not in my_task.internal_data:
            return
        payload = my_task.internal_data.pop(self.name)
        if self.message_var is not None:
            my_task.data[self.message_var] = payload
        elif isinstance(payload, dict):
            my_task.data.update(payload)
        elif payload is not None:
            raise WorkflowTaskException(
                f"message {self.name!r} carries a {type(payload).__name__} payload; "
                "name a spiffworkflow:messageVariable to receive it",
                task=my_task,
            )

    def reset(self, my_task: Any) -> None:
        my_task.internal_data.pop(self.name, None)
        super().reset(my_task)


SERIALIZER_TYPENAMES: dict[type, str] = {Message: SpiffMessageEventDefinition.__name__}


def adopt(definition: Any) -> Any:
    """Our message class for a Spiff message definition (anything else is returned unchanged)."""
    if type(definition) is not SpiffMessageEventDefinition:
        return definition
    return Message(
        definition.name,
        correlation_properties=definition.correlation_properties,
        expression=definition.expression,
        message_var=definition.message_var,
        process_correlations=definition.process_correlations,
        description=definition.description,
    )


def correlations_of(definition: Message, engine: Any, payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The correlation keys a payload carries for this message, computed the way Spiff does."""
    return definition.calculate_correlations(engine, definition.correlation_properties, payload)
