"""Turning a bundle's files into a compiled, shareable spec — or into a complete list of problems.

This is the only place that parses.  A deploy must either produce a bundle every instance can run or
tell the designer everything that is wrong, so each stage (safe XML, schema, XML lint, sandbox
compile, Spiff's parser per process, the call graph) runs independently and adds its problems to one
list; nothing the library raises escapes as anything but a :class:`Problem`.

The resulting spec objects are shared read-only by every instance of the bundle version (instance
state refers to them by ``key``, see :mod:`.state`).  Before sharing, Spiff's timer and message event
definitions are swapped for ours (:mod:`.timers`, :mod:`.messages`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from . import diagram, lint, messages, safe_xml, timers
from .diagram import UserTaskSpec
from .errors import Problem, SpecInvalid

__all__ = ["CompiledBundle", "UserTaskSpec", "compile_bundle"]


@dataclass(frozen=True)
class CompiledBundle:
    """A deployable bundle version: parsed once, cached, shared by all its instances."""

    key: str
    process_id: str
    spec: Any
    subprocess_specs: dict[str, Any]
    user_tasks: dict[str, UserTaskSpec]
    lanes: dict[str, str | None]
    message_starts: frozenset[str]
    elements: dict[str, str]
    code: Mapping[tuple[str, str], CodeType] = field(default_factory=dict, repr=False)
    stored_results: frozenset[str] = frozenset()  # expressions whose value lands in instance data
    message_catches: Mapping[str, messages.Message] = field(default_factory=dict, repr=False)


def compile_bundle(key: str, files: dict[str, bytes], process_id: str) -> CompiledBundle:
    """Parse and check a bundle's BPMN/DMN files; raise :class:`SpecInvalid` listing every problem."""
    try:
        return _compile(key, files, process_id)
    except SpecInvalid:
        raise
    except Exception as exc:  # a bug here or in the library must still come out as a deploy problem
        raise SpecInvalid([Problem("", None, f"internal error while compiling: {type(exc).__name__}: {exc}")]) from exc


def _compile(key: str, files: dict[str, bytes], process_id: str) -> CompiledBundle:
    problems: list[Problem] = []
    documents: list[safe_xml.Document] = []
    for name, content in files.items():
        document, trouble = safe_xml.read(name, content)
        problems.extend(trouble)
        if document is not None:
            problems.extend(safe_xml.validate(document))
            documents.append(document)
    if not any(d.kind == "bpmn" for d in documents) and not problems:
        problems.append(Problem("", None, "the bundle contains no BPMN file"))

    sources, trouble = lint.collect(documents)
    problems.extend(trouble)
    code, trouble = lint.compile_sources(sources)
    problems.extend(trouble)
    facts = diagram.read_facts(documents)

    specs, spiff_problems = _parse_specs(documents, process_id)
    user_tasks, trouble = _user_tasks(facts, set(specs))
    problems.extend(trouble)
    problems.extend(_not_explained(spiff_problems, problems))

    if problems or process_id not in specs:
        problems = problems or [Problem("", process_id, "the main process could not be parsed")]
        raise SpecInvalid(_located(problems, documents))

    for spec in specs.values():
        _adopt_event_definitions(spec)
    return CompiledBundle(
        key=key,
        process_id=process_id,
        spec=specs[process_id],
        subprocess_specs={pid: spec for pid, spec in specs.items() if pid != process_id},
        user_tasks=user_tasks,
        lanes=dict(facts.lanes),
        message_starts=facts.message_starts.get(process_id, frozenset()),
        elements=dict(facts.elements),
        code=code,
        stored_results=frozenset(source.text for source in sources if source.stored),
        message_catches=_message_catches(specs.values()),
    )


# --- Spiff's parser -----------------------------------------------------------------------------------


def _problem_from(exc: Exception, file: str) -> Problem:
    if isinstance(exc, ValidationException):
        message = exc.args[0] if exc.args else str(exc)
        line = exc.line_number if isinstance(exc.line_number, int) and exc.line_number > 0 else None
        return Problem(exc.file_name or file, exc.id or None, str(message), line)
    return Problem(file, None, f"{type(exc).__name__}: {exc}")


def _parse_specs(documents: list[safe_xml.Document], process_id: str) -> tuple[dict[str, Any], list[Problem]]:
    """Specs of the main process and every process it reaches, parsed one by one so that one broken
    process does not hide the problems of the others."""
    problems: list[Problem] = []
    parser = SpiffBpmnParser()
    for document in documents:
        add = parser.add_bpmn_xml if document.kind == "bpmn" else parser.add_dmn_xml
        try:
            add(document.root, filename=document.name)
        except Exception as exc:
            problems.append(_problem_from(exc, document.name))

    main = parser.process_parsers.get(process_id)
    if main is None:
        known = ", ".join(
            sorted(p for p in parser.process_parsers if parser.process_parsers[p].node.tag.endswith("}process"))
        )
        return {}, [
            *problems,
            Problem("", None, f"main process {process_id!r} not found; the bundle defines: {known or 'none'}"),
        ]
    if not main.process_executable:
        return {}, [*problems, Problem(main.filename or "", process_id, f"main process {process_id} is not executable")]

    specs: dict[str, Any] = {}
    failed: set[str] = set()
    calls: dict[str, list[tuple[str, str]]] = {}
    pending = [process_id]
    while pending:
        pid = pending.pop()
        if pid in specs or pid in failed:
            continue
        process_parser = parser.process_parsers[pid]
        try:
            spec = process_parser.get_spec()
        except Exception as exc:
            problems.append(_problem_from(exc, process_parser.filename or ""))
            failed.add(pid)
            continue
        specs[pid] = spec
        for task_spec in spec.task_specs.values():
            if not isinstance(task_spec, SubWorkflowTask):
                continue
            callee, activity = task_spec.spec, task_spec.bpmn_id
            callee_parser = parser.process_parsers.get(callee)
            if callee_parser is None:
                problems.append(
                    Problem(
                        process_parser.filename or "",
                        activity,
                        f"call activity {activity} calls process {callee!r}, which is not in the bundle",
                    )
                )
            elif not callee_parser.process_executable:
                problems.append(
                    Problem(
                        process_parser.filename or "",
                        activity,
                        f"call activity {activity} calls process {callee!r}, which is not executable",
                    )
                )
            else:
                calls.setdefault(pid, []).append((callee, activity))
                pending.append(callee)

    for caller, activity, cycle in _recursive_calls(process_id, calls):
        problems.append(
            Problem(
                parser.process_parsers[caller].filename or "",
                activity,
                f"call activity {activity} calls its own caller recursively ({' -> '.join(cycle)}); "
                "it would never finish",
            )
        )
    return specs, problems


def _recursive_calls(start: str, calls: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str, list[str]]]:
    """(caller process, call activity, cycle) for each call that closes a cycle in the call graph."""
    found: list[tuple[str, str, list[str]]] = []
    done: set[str] = set()
    path: list[str] = []

    def visit(pid: str) -> None:
        path.append(pid)
        for callee, activity in calls.get(pid, []):
            if callee in path:
                found.append((pid, activity, [*path[path.index(callee) :], callee]))
            elif callee not in done:
                visit(callee)
        path.pop()
        done.add(pid)

    visit(start)
    return found


# --- after parsing ------------------------------------------------------------------------------------


def _user_tasks(facts: diagram.DiagramFacts, processes: set[str]) -> tuple[dict[str, UserTaskSpec], list[Problem]]:
    """Human tasks of the processes the bundle runs, keyed by id — which must therefore be unique."""
    tasks: dict[str, UserTaskSpec] = {}
    problems: list[Problem] = []
    for task in facts.user_tasks:
        if task.process_id not in processes or facts.process_files.get(task.process_id) != task.file:
            continue  # not run, or a second definition of a process (reported as a duplicate by Spiff)
        other = tasks.get(task.bpmn_id)
        if other is not None:
            problems.append(
                Problem(
                    task.file,
                    task.bpmn_id,
                    f"human task id {task.bpmn_id} is used in both {other.process_id} and {task.process_id}; "
                    "task ids must be unique within a bundle",
                )
            )
            continue
        tasks[task.bpmn_id] = task
    return tasks, problems


def _adopt(definition: Any) -> Any:
    if isinstance(definition, MultipleEventDefinition):
        definition.event_definitions = [_adopt(d) for d in definition.event_definitions]
        return definition
    return messages.adopt(timers.adopt(definition))


def _adopt_event_definitions(spec: Any) -> None:
    for task_spec in spec.task_specs.values():
        if hasattr(task_spec, "event_definition"):
            task_spec.event_definition = _adopt(task_spec.event_definition)


def _message_catches(specs: Any) -> dict[str, messages.Message]:
    """One catching definition per message name: what an external message is delivered as."""
    found: dict[str, messages.Message] = {}
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if not isinstance(task_spec, CatchingEvent):
                continue
            definition = task_spec.event_definition
            candidates = (
                definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
            )
            for candidate in candidates:
                if isinstance(candidate, messages.Message) and candidate.name:
                    found.setdefault(candidate.name, candidate)
    return found


def _not_explained(spiff: list[Problem], ours: list[Problem]) -> list[Problem]:
    """Spiff's problems, minus those on an element our own checks already reported (ours name the
    gateway and the flow; Spiff's stop at the first one and say less), and minus exact repeats."""
    explained = {(p.file, p.element) for p in ours if p.element}
    result: list[Problem] = []
    for problem in spiff:
        if (problem.file, problem.element) in explained or problem in result:
            continue
        result.append(problem)
    return result


def _located(problems: list[Problem], documents: list[safe_xml.Document]) -> list[Problem]:
    """Fill in the line of problems that name an element but came without one (Spiff rarely knows)."""
    lines: dict[tuple[str, str], int] = {}
    for document in documents:
        for element in document.root.iter():
            element_id = element.get("id") if isinstance(element.tag, str) else None
            if element_id:
                lines.setdefault((document.name, element_id), element.sourceline)
    return [
        Problem(p.file, p.element, p.message, lines.get((p.file, p.element)))
        if p.line is None and p.element and (p.file, p.element) in lines
        else p
        for p in problems
    ]
