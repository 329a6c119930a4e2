"""The original system's integration hooks on Baton's shared event log: ``process`` (a decorator and
context manager writing ``process.started`` / ``in_progress`` / ``completed`` / ``failed``) and the
convenience emitters ``emit_test_completed``, ``emit_synthesis_completed`` and
``emit_mcp_tool_completed``. Standard library only; reached as ``baton_events.process`` etc.

The events and their data keys are the Node library's (``withProcessEvents``, ``emitTestCompleted``,
... in ``src/events/emitters.ts``), so a workflow's ``on.events`` / ``where`` reads the same fields
whichever side wrote them; the Python side adds ``result``, ``next_steps``, ``error_type`` and
``traceback``, which Node's ``withProcessEvents`` has no counterpart for.

Every event is one ``os.write`` on an ``O_APPEND`` descriptor (``baton_events.emit``). A process
keeps its state in its own object, never in the module, so threads and asyncio tasks can run
decorated functions at once.
"""

from __future__ import annotations

import contextvars
import functools
import inspect
import json
import math
import os
import socket
import time
import traceback
import warnings
from typing import Any, Callable, Dict, List, Optional, Sequence

RESULT_MAX_BYTES = 4096
TRACEBACK_MAX_LINES = 20
TRACEBACK_MAX_CHARS = 4000

__all__ = [
    "BatonLogWarning",
    "Process",
    "current_process",
    "emit_mcp_tool_completed",
    "emit_synthesis_completed",
    "emit_test_completed",
    "json_safe",
    "notify_mcp_tool_complete",
    "notify_synthesis_complete",
    "notify_test_complete",
    "process",
    "summarize",
    "with_workflow_notifications",
]

# Which process the running code is inside: per thread and per asyncio task (a ContextVar is not
# shared state: every thread and task sees its own value).
_current: "contextvars.ContextVar[Optional[Process]]" = contextvars.ContextVar("baton_process", default=None)


class BatonLogWarning(UserWarning):
    """An event could not be written (the log folder is read-only, the disk is full, ...). The
    decorated code goes on: reporting on it must not be what makes it fail."""


def json_safe(value: Any, depth: int = 8, items: int = 100) -> Any:
    """``value`` as JSON can hold it: dicts (keys as strings), lists, strings, finite numbers,
    booleans and None pass; tuples and sets become lists, anything else its ``repr``; deeper than
    ``depth`` or past ``items`` entries per container it is cut with a ``"..."`` marker."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if depth <= 0:
        return "..."
    if isinstance(value, dict):
        out: Dict[str, Any] = {}
        for i, (key, item) in enumerate(value.items()):
            if i >= items:
                out["..."] = "%d more" % (len(value) - items)
                break
            out[key if isinstance(key, str) else str(key)] = json_safe(item, depth - 1, items)
        return out
    if isinstance(value, (list, tuple, set, frozenset)):
        seq = list(value) if not isinstance(value, (set, frozenset)) else sorted(value, key=repr)
        cut = [json_safe(item, depth - 1, items) for item in seq[:items]]
        return cut + ["... %d more" % (len(seq) - items)] if len(seq) > items else cut
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def summarize(value: Any, max_bytes: int = RESULT_MAX_BYTES) -> Any:
    """A JSON-safe summary of a result of at most ``max_bytes`` bytes of JSON; a larger one becomes
    ``{"truncated": true, "originalBytes": n, "preview": "<start of the JSON>"}``, the log's own
    marker for an oversized ``data``."""
    safe = json_safe(value)
    text = json.dumps(safe, separators=(",", ":"), ensure_ascii=False)
    size = len(text.encode("utf-8"))
    if size <= max_bytes:
        return safe
    preview = text.encode("utf-8")[: max(0, max_bytes - 64)].decode("utf-8", "ignore")
    return {"truncated": True, "originalBytes": size, "preview": preview}


def _log() -> Any:
    # Imported when first used, not at import time: baton_events re-exports this module's names, so
    # importing it from here at the top would make the two modules wait on each other.
    import baton_events
    return baton_events


def _source_name(source: Any) -> Optional[str]:
    # The seed passed enums (ProcessSource.CLAUDE_CODE); their value is the name.
    if source is None:
        return None
    return str(getattr(source, "value", source))


def _emit_quietly(type: str, data: Dict[str, Any], source: Optional[str], path: Optional[str], **attrs: Any) -> Optional[Dict[str, Any]]:
    try:
        return _log().emit(type, data, source, path, **attrs)
    except (OSError, ValueError) as error:
        warnings.warn("baton: %s not written to %s: %s" % (type, _log().resolve_log_path(path), error), BatonLogWarning, stacklevel=3)
        return None


def _traceback_tail(error: BaseException) -> str:
    lines = "".join(traceback.format_exception(type(error), error, error.__traceback__)).splitlines()
    tail = "\n".join(lines[-TRACEBACK_MAX_LINES:])
    return tail if len(tail) <= TRACEBACK_MAX_CHARS else tail[-TRACEBACK_MAX_CHARS:]


class Process:
    """One run of a piece of work, reported to the log. Made by ``process(...)``; entered once, as a
    context manager (``with`` or ``async with``), or used as a decorator (then every call of the
    function gets a fresh ``Process`` of its own).

    Inside, ``progress(message, percent=None, **fields)`` appends ``process.in_progress``, and
    ``result`` (settable) is what ``process.completed`` summarizes.
    """

    def __init__(self, name: str, source: Any = None, next_steps: Optional[Sequence[str]] = None,
                 metadata: Optional[Dict[str, Any]] = None, path: Optional[str] = None,
                 result_max_bytes: int = RESULT_MAX_BYTES, **attrs: Any) -> None:
        self.name = name
        self.source = _source_name(source)
        self.next_steps: List[str] = [str(step) for step in next_steps] if next_steps is not None else []
        self.metadata = dict(metadata or {})
        self.path = path
        self.result_max_bytes = result_max_bytes
        self.attrs = attrs
        self.result: Any = None
        self.started_event: Optional[Dict[str, Any]] = None
        self.ended_event: Optional[Dict[str, Any]] = None
        self._t0: Optional[float] = None
        self._token: Optional[contextvars.Token] = None

    def _fresh(self) -> "Process":
        return Process(self.name, self.source, self.next_steps, self.metadata, self.path, self.result_max_bytes, **self.attrs)

    def _base(self) -> Dict[str, Any]:
        # The keys and order of Node's withProcessEvents: name, pid, host, then the metadata.
        return dict({"name": self.name, "pid": os.getpid(), "host": socket.gethostname()}, **self.metadata)

    def _elapsed_ms(self) -> int:
        return int((time.monotonic() - (self._t0 or time.monotonic())) * 1000)

    def _caused(self) -> Dict[str, Any]:
        started = self.started_event
        return dict(self.attrs, causationid=started["id"]) if started else dict(self.attrs)

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "Process":
        if self._t0 is not None:
            raise RuntimeError("process %r was already entered; call baton_events.process(...) again for another run" % self.name)
        self._t0 = time.monotonic()
        self.started_event = _emit_quietly("process.started", self._base(), self.source, self.path, **self.attrs)
        self._token = _current.set(self)
        return self

    def progress(self, message: Optional[str] = None, percent: Optional[float] = None, **fields: Any) -> Optional[Dict[str, Any]]:
        """Appends ``process.in_progress`` with the message, the percentage and any further fields."""
        data = self._base()
        data["duration_ms"] = self._elapsed_ms()
        if message is not None:
            data["message"] = str(message)
        if percent is not None:
            data["percent"] = percent
        data.update(json_safe(fields))
        return _emit_quietly("process.in_progress", data, self.source, self.path, **self._caused())

    def finish(self, error: Optional[BaseException] = None) -> None:
        if self._token is not None:
            try:
                _current.reset(self._token)
            except ValueError:  # ended in another context than it started in (a generator, a callback)
                pass
            self._token = None
        data = self._base()
        data["duration_ms"] = self._elapsed_ms()
        if error is None:
            data["exit_code"] = 0
            data["result"] = summarize(self.result, self.result_max_bytes)
            if self.next_steps:
                data["next_steps"] = list(self.next_steps)
            self.ended_event = _emit_quietly("process.completed", data, self.source, self.path, **self._caused())
        else:
            data["exit_code"] = 1
            data["message"] = str(error) or type(error).__name__
            data["error_type"] = type(error).__name__
            data["traceback"] = _traceback_tail(error)
            self.ended_event = _emit_quietly("process.failed", data, self.source, self.path, **self._caused())

    def __enter__(self) -> "Process":
        return self.start()

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> bool:
        self.finish(exc)
        return False  # the exception, if any, goes on unchanged

    async def __aenter__(self) -> "Process":
        return self.start()

    async def __aexit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> bool:
        self.finish(exc)
        return False

    # -- decorator ---------------------------------------------------------------------------

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self._fresh() as run:
                    run.result = await fn(*args, **kwargs)
                    return run.result
            return run_async

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self._fresh() as one:
                one.result = fn(*args, **kwargs)
                return one.result
        return run


def process(name: str, source: Any = None, next_steps: Optional[Sequence[str]] = None,
            metadata: Optional[Dict[str, Any]] = None, path: Optional[str] = None, **attrs: Any) -> Process:
    """Reports a piece of work to Baton's log: ``process.started``, then ``process.completed`` (its
    duration and a JSON-safe summary of the result, at most 4 KiB, and ``next_steps``) or
    ``process.failed`` (the exception's type, message and traceback tail; the exception itself goes
    on unchanged).

    As a decorator, on plain and ``async`` functions::

        @baton_events.process("NBA analysis", source="pycharm", next_steps=["Review the report"])
        def analyse(season): ...

    As a context manager, with progress on the way::

        with baton_events.process("NBA analysis", source="pycharm") as p:
            p.progress("games loaded", percent=50)
            p.result = {"games": 1230}

    ``metadata`` goes into every event's data; ``path`` is the log (default: as ``emit``); further
    keyword arguments are event attributes (``subject``, ``runid``, ...).
    """
    return Process(name, source, next_steps, metadata, path, **attrs)


def current_process() -> Optional[Process]:
    """The ``Process`` the calling code runs inside (in this thread or asyncio task), or None:
    lets a decorated function report progress without being handed its ``Process``."""
    return _current.get()


def emit_test_completed(suite: str, passed: int, failed: int, coverage: Optional[float] = None,
                        source: Any = None, path: Optional[str] = None, **attrs: Any) -> Dict[str, Any]:
    """The original ``notify_test_complete``: ``test.completed`` with ``test_suite``,
    ``tests_passed``, ``tests_failed``, ``coverage`` (when given) and ``success``."""
    data: Dict[str, Any] = {"test_suite": suite, "tests_passed": passed, "tests_failed": failed}
    if coverage is not None:
        data["coverage"] = coverage
    data["success"] = failed == 0
    return _log().emit("test.completed", data, _source_name(source), path, **attrs)


def emit_synthesis_completed(query: str, response: str, cost: Optional[float] = None,
                             source: Any = None, path: Optional[str] = None, **attrs: Any) -> Dict[str, Any]:
    """The original ``notify_synthesis_complete``: ``synthesis.completed`` with ``query``,
    ``response`` and ``cost`` (when given)."""
    data: Dict[str, Any] = {"query": query, "response": response}
    if cost is not None:
        data["cost"] = cost
    return _log().emit("synthesis.completed", data, _source_name(source), path, **attrs)


def emit_mcp_tool_completed(tool: str, params: Any = None, result: Any = None,
                            source: Any = None, path: Optional[str] = None, **attrs: Any) -> Dict[str, Any]:
    """The original ``notify_mcp_tool_complete``: ``mcp_tool.completed`` with ``tool_name``,
    ``params`` (``{}`` when not given) and ``result`` (null when not given), made JSON-safe."""
    data = {"tool_name": tool, "params": json_safe({} if params is None else params), "result": json_safe(result)}
    return _log().emit("mcp_tool.completed", data, _source_name(source), path, **attrs)


# The seed's names, so code written for the original system runs unchanged.

def with_workflow_notifications(process_name: str, source: Any = None, notify_slack: bool = True,
                                emit_events: bool = True, **kwargs: Any) -> Process:
    """The original decorator: ``process(process_name, source)``. Slack messages come from Baton's
    workflows reacting to the events, so ``notify_slack`` changes nothing here; ``emit_events=False``
    makes it a no-op wrapper."""
    if not emit_events:
        return _Passthrough()  # type: ignore[return-value]
    return process(process_name, source, **kwargs)


class _Passthrough:
    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        return fn


def notify_test_complete(test_suite: str, tests_passed: int, tests_failed: int, coverage: Optional[float] = None,
                         source: Any = None, **kwargs: Any) -> Dict[str, Any]:
    """The original name of ``emit_test_completed``."""
    return emit_test_completed(test_suite, tests_passed, tests_failed, coverage, source, **kwargs)


def notify_synthesis_complete(query: str, response: str, cost: Optional[float] = None, source: Any = None, **kwargs: Any) -> Dict[str, Any]:
    """The original name of ``emit_synthesis_completed``."""
    return emit_synthesis_completed(query, response, cost, source, **kwargs)


def notify_mcp_tool_complete(tool_name: str, params: Any = None, result: Any = None, source: Any = None, **kwargs: Any) -> Dict[str, Any]:
    """The original name of ``emit_mcp_tool_completed``."""
    return emit_mcp_tool_completed(tool_name, params, result, source, **kwargs)
