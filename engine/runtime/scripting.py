"""The sandbox every BPMN script, condition, timer and DMN expression runs in.

SpiffWorkflow's default engine calls plain ``eval``/``exec`` with full builtins: anyone who can deploy
a BPMN can run code as the service user (see ``../shared/design/spiffworkflow-notes.md``).  Here every
source is compiled with RestrictedPython (names and attributes starting with ``_`` are rejected at
compile time) and run with guarded attribute/item access and writes, a short whitelist of builtins,
no imports, and a time limit.

The time limit uses ``sys.settrace`` rather than ``SIGALRM`` because uvicorn runs sync endpoints in a
thread pool and signals only reach the main thread.  The tracer is installed only for the duration of
one evaluation, only traces frames compiled from BPMN sources, and the previous tracer is restored.
A Python tracer that raises is switched off by CPython, so a script could swallow the timeout with
``try/except`` and run on untimed — therefore ``try`` is not allowed in BPMN scripts.

``x ** y``, ``x * y`` and ``x << y`` go through a size guard so a one-liner cannot spend minutes inside
a single C-level big-integer or string operation that no tracer can interrupt.  Memory is otherwise
not bounded (e.g. a long ``str.join``); deployment is a reviewed, privileged action.
"""

from __future__ import annotations

import ast
import operator
import re
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from time import perf_counter
from types import CodeType, FrameType, ModuleType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector
from RestrictedPython.transformer import RestrictingNodeTransformer, copy_locations
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

from . import jsonsafe

Functions = Mapping[str, Callable[..., Any]]
CodeTable = Mapping[tuple[str, str], CodeType]

SCRIPT_FILENAME = "<bpmn-script>"
DEFAULT_TIME_LIMIT_S = 1.0
MAX_INT_BITS = 1 << 16  # ~19,700 decimal digits: far beyond any fee, far below a CPU-seconds power
MAX_SEQUENCE_LEN = 1_000_000


class ScriptTimeout(Exception):
    """A script or expression ran past its time limit."""


class ForbiddenScript(SyntaxError):
    """The source is not valid Python, or uses something the sandbox does not allow."""


# --- compile ------------------------------------------------------------------------------------------

_SIZE_GUARDED = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<"}


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus: no ``try`` (it could swallow the timeout), no ``import`` (refused
    at deploy rather than failing at run time) and size-guarded ``**``/``*``/``<<``."""

    def visit_Try(self, node: ast.Try) -> ast.AST:
        self.error(node, "try/except is not allowed in BPMN scripts (a time limit must not be catchable)")
        return node

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self.error(node, "import is not allowed in BPMN scripts; use the helper functions offered")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return self.visit_Import(node)  # type: ignore[arg-type]

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        symbol = _SIZE_GUARDED.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(
            func=ast.Name("_binop_", ast.Load()),
            args=[ast.Constant(symbol), node.left, node.right],
            keywords=[],
        )
        copy_locations(call, node)
        return call


def source_for(text: str, mode: str) -> str:
    """What is actually compiled: scripts are dedented (BPMN editors indent them inside the XML
    element), expressions stripped (``eval`` refuses leading newlines)."""
    return textwrap.dedent(text) if mode == "exec" else text.strip()


def compile_source(text: str, mode: str) -> CodeType:
    """Compile a script (``mode='exec'``) or expression (``'eval'``) under the sandbox policy.

    Raises :class:`ForbiddenScript` with every reason RestrictedPython found, and the line number of
    the first one, so deploy problems and runtime errors can point at the line.
    """
    compiler = compile_restricted_exec if mode == "exec" else compile_restricted_eval
    result = compiler(source_for(text, mode), filename=SCRIPT_FILENAME, policy=_Policy)
    if result.errors:
        match = re.match(r"Line (\d+)", result.errors[0])
        line = int(match.group(1)) if match else 1
        raise ForbiddenScript("; ".join(result.errors), (SCRIPT_FILENAME, line, 0, ""))
    if result.code is None:  # pragma: no cover - RestrictedPython returns errors instead
        raise ForbiddenScript("could not compile", (SCRIPT_FILENAME, 1, 0, ""))
    return result.code


# --- guards -------------------------------------------------------------------------------------------


def _too_big(what: str) -> ValueError:
    return ValueError(f"{what} would be too large for a BPMN script")


def _checked_binop(symbol: str, left: Any, right: Any) -> Any:
    if symbol == "**":
        if (
            type(left) in (int, bool)
            and type(right) in (int, bool)
            and right > 0
            and abs(left) > 1
            and right * left.bit_length() > MAX_INT_BITS
        ):
            raise _too_big("the power")
        return left**right
    if symbol == "*":
        if type(left) is int and type(right) is int:
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise _too_big("the product")
        else:
            sequence, count = (left, right) if isinstance(right, int) else (right, left)
            repeated = isinstance(sequence, (str, bytes, list, tuple)) and isinstance(count, int)
            if repeated and len(sequence) * count > MAX_SEQUENCE_LEN:
                raise _too_big("the repeated sequence")
        return left * right
    if type(left) is int and type(right) is int and left and right + left.bit_length() > MAX_INT_BITS:
        raise _too_big("the shifted number")
    return left << right


_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "|=": operator.ior,
    "&=": operator.iand,
    "^=": operator.ixor,
    ">>=": operator.irshift,
    "@=": operator.imatmul,
}


def _inplace(op: str, left: Any, right: Any) -> Any:
    if op in ("*=", "**=", "<<="):
        return _checked_binop(op[:-1], left, right)
    return _INPLACE[op](left, right)


def _guarded_pow(base: Any, exp: Any, mod: Any = None) -> Any:
    return pow(base, exp, mod) if mod is not None else _checked_binop("**", base, exp)


def _apply(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def _builtins() -> dict[str, Any]:
    allowed = dict(safe_builtins)
    allowed.update(limited_builtins)  # range/list/tuple with a size limit on range
    allowed.update(
        {
            f.__name__: f
            for f in (dict, set, frozenset, sorted, min, max, sum, any, all, enumerate, zip, map, filter, reversed)
        }
    )
    for name in ("setattr", "delattr", "__build_class__", "_getattr_"):  # no classes, no attribute writes
        allowed.pop(name, None)
    allowed["pow"] = _guarded_pow
    return allowed


BUILTINS: Mapping[str, Any] = _builtins()

GUARDS: Mapping[str, Any] = {
    "__builtins__": BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplace,
    "_binop_": _checked_binop,
    "_apply_": _apply,
    "_print_": PrintCollector,  # print() is accepted and discarded
}


# --- time limit ---------------------------------------------------------------------------------------


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Stop code compiled from BPMN sources that runs longer than ``seconds`` (0 = no limit).

    Works in any thread: ``sys.settrace`` is per thread.  Frames of trusted code (our helpers, the
    library) are not traced, so only BPMN code pays the tracing cost.
    """
    if seconds <= 0:
        yield
        return
    limit = perf_counter() + seconds

    def on_line(frame: FrameType, event: str, arg: Any) -> Any:
        if perf_counter() > limit:
            raise ScriptTimeout(f"script ran longer than {seconds:g} s")
        return on_line

    def on_call(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != SCRIPT_FILENAME:
            return None
        return on_line(frame, event, arg)

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)


# --- Spiff integration --------------------------------------------------------------------------------


class RestrictedEnvironment(TaskDataEnvironment):
    """Spiff's task-data environment, but every source runs compiled under the sandbox policy.

    ``code`` holds what ``compile_bundle`` already compiled for this bundle; anything else (a source
    the deploy check did not see) is compiled here under the same policy, so bypassing the deploy
    check does not bypass the sandbox.  What user code puts into instance data is made JSON-safe
    where it is produced (see :mod:`.jsonsafe`): the task data after a script, and the value of the
    expressions in ``stored`` (message/event payloads, DMN outputs, correlation values).  Other
    expression values (conditions, DMN inputs, timers) are used as they are.
    """

    def __init__(
        self,
        functions: Functions,
        code: CodeTable,
        time_limit_s: float = DEFAULT_TIME_LIMIT_S,
        stored: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(dict(functions))
        self._code = code
        self._stored = stored
        self._late: dict[tuple[str, str], CodeType] = {}
        self.time_limit_s = time_limit_s

    def code_for(self, text: str, mode: str) -> CodeType:
        key = (text, mode)
        code = self._code.get(key) or self._late.get(key)
        if code is None:
            code = self._late[key] = compile_source(text, mode)
        return code

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        code = self.code_for(expression, "eval")
        scope = {**self.globals, **(external_context or {}), **context, **GUARDS}
        with deadline(self.time_limit_s):
            result = eval(code, scope)
        return jsonsafe.normalize(result, "the value") if expression in self._stored else result

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        external = external_context or {}
        self.check_for_overwrite(context, external)
        code = self.code_for(script, "exec")
        context.update(self.globals)
        context.update(external)
        context.update(GUARDS)
        try:
            with deadline(self.time_limit_s):
                exec(code, context)
        finally:
            for key in list(context):
                value = context[key]
                injected = key in GUARDS or key in self.globals or key in external
                if injected or callable(value) or isinstance(value, ModuleType):
                    del context[key]
        jsonsafe.normalize(context, "task data")
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise NotImplementedError("service tasks are not supported by this engine")


class ScriptEngine(PythonScriptEngine):
    """The engine attached to every workflow the runtime creates or loads."""

    environment: RestrictedEnvironment

    def __init__(
        self,
        functions: Functions,
        code: CodeTable,
        time_limit_s: float = DEFAULT_TIME_LIMIT_S,
        stored: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(environment=RestrictedEnvironment(functions, code, time_limit_s, stored))

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        # Spiff 3.2.0's own version refers to an undefined name in its error path.
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as exc:
            raise WorkflowTaskException(f"{type(exc).__name__}: {exc}", task=task, exception=exc) from exc

    def get_error_line_number_and_content(self, script: str, err: BaseException) -> tuple[int, str]:
        line = 0
        if isinstance(err, SyntaxError):
            line = err.lineno or 0
        else:
            tb = err.__traceback__
            while tb is not None:
                if tb.tb_frame.f_code.co_filename == SCRIPT_FILENAME:
                    line = tb.tb_lineno
                tb = tb.tb_next
        lines = source_for(script, "exec").splitlines()
        return line, (lines[line - 1].strip() if 0 < line <= len(lines) else "")
