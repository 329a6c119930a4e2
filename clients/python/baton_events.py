"""Baton's shared event log from Python: emit, tail, approve and cancel, and (from ``baton_hooks``) the
``process`` decorator and the convenience emitters. Standard library only.

The log is one CloudEvents 1.0 JSON object per line (see ``schemas/event.schema.json`` in the Baton
repository). The rules that keep many writers safe are the same as on the Node side:

* every event is ONE ``os.write`` on a descriptor opened with ``O_APPEND`` (never ``print`` or
  ``json.dump`` to a file object: those split a line into several writes, which interleave with
  other processes' writes and tear lines);
* a line is at most 64 KiB; a larger ``data`` is replaced by
  ``{"truncated": true, "originalBytes": n, "preview": "<start of the JSON>"}``;
* the file is created with mode 0600 and its missing folders with mode 0700.

Rotation: this client never rotates the log itself. Baton's Node processes (the CLI, ``baton exec``,
VS Code) rotate it by rename under a lock; before every write this client checks whether the path
still names the file it holds and reopens it if not, so its lines follow the rotation. A log written
only from Python grows until a Baton process next appends to it.
"""

from __future__ import annotations

import json
import os
import re
import socket
import time
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterator, List, Optional

MAX_LINE_BYTES = 64 * 1024
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

__all__ = [
    "MAX_LINE_BYTES",
    "ApprovalRefused",
    "EventWriter",
    "approve",
    "cancel",
    "default_source",
    "emit",
    "encode_line",
    "find_run",
    "glob_match",
    "make_event",
    "matches",
    "new_event_id",
    "read_run",
    "resolve_log_path",
    "resolve_state_dir",
    "tail",
]


def new_event_id(now_ms: Optional[int] = None) -> str:
    """A ULID (48-bit milliseconds + 80 random bits, Crockford base32), like the Node side's ids."""
    t = int(time.time() * 1000) if now_ms is None else int(now_ms)
    value = (t << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> (5 * i)) & 31] for i in range(25, -1, -1))


def default_source(kind: str = "python") -> str:
    """``baton://<host>/<kind>/<pid>``: which machine and process wrote an event."""
    return "baton://%s/%s/%d" % (socket.gethostname(), kind, os.getpid())


def resolve_state_dir(state_dir: Optional[str] = None) -> str:
    """Baton's state folder, as the CLI finds it: explicit ``state_dir`` > ``$WORKFLOW_STATE_DIR`` > ``./.baton``."""
    return os.path.abspath(state_dir or os.environ.get("WORKFLOW_STATE_DIR", "").strip() or ".baton")


def resolve_log_path(path: Optional[str] = None, state_dir: Optional[str] = None) -> str:
    """explicit ``path`` > ``$BATON_EVENT_LOG`` > ``<state_dir>/events.jsonl``.

    ``state_dir`` defaults to ``$WORKFLOW_STATE_DIR``, then ``./.baton`` (Baton's state folder).
    """
    chosen = path or os.environ.get("BATON_EVENT_LOG", "").strip()
    if not chosen:
        chosen = os.path.join(resolve_state_dir(state_dir), "events.jsonl")
    return os.path.abspath(chosen)


def _now_iso() -> str:
    now = datetime.now(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (now.microsecond // 1000)


def make_event(type: str, data: Any = None, source: Optional[str] = None, **attrs: Any) -> Dict[str, Any]:
    """Builds an event. ``attrs`` are further attributes (subject, runid, workflowid, stepid,
    causationid, chaindepth, ...); those set to None are left out."""
    event: Dict[str, Any] = {
        "specversion": "1.0",
        "id": new_event_id(),
        "source": source or default_source(),
        "type": type,
        "time": _now_iso(),
    }
    if data is not None:
        event["datacontenttype"] = "application/json"
        event["data"] = data
    for key, value in attrs.items():
        if value is not None:
            event[key] = value
    return event


def _dumps(value: Any) -> str:
    # Compact and UTF-8, like JSON.stringify on the Node side; NaN/Infinity are not JSON, refuse them.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def encode_line(event: Dict[str, Any], max_bytes: int = MAX_LINE_BYTES) -> bytes:
    """The event as one UTF-8 line of at most ``max_bytes`` bytes (newline included)."""
    line = (_dumps(event) + "\n").encode("utf-8")
    if len(line) <= max_bytes:
        return line
    if event.get("data") is None:
        raise ValueError("event %s is %d bytes without data, over the %d-byte cap" % (event.get("type"), len(line), max_bytes))
    data_json = _dumps(event["data"])
    original = len(data_json.encode("utf-8"))

    def build(preview: str) -> bytes:
        marker = {"truncated": True, "originalBytes": original, "preview": preview}
        return (_dumps(dict(event, data=marker)) + "\n").encode("utf-8")

    if len(build("")) > max_bytes:
        raise ValueError("event %s does not fit the %d-byte cap even with its data truncated" % (event.get("type"), max_bytes))
    lo, hi = 0, min(len(data_json), max_bytes)
    while lo < hi:  # longest prefix whose escaped form still fits
        mid = (lo + hi + 1) // 2
        if len(build(data_json[:mid])) <= max_bytes:
            lo = mid
        else:
            hi = mid - 1
    return build(data_json[:lo])


def _ensure_parent(path: str) -> None:
    parent = os.path.dirname(path)
    missing = []
    while parent and not os.path.isdir(parent):
        missing.append(parent)
        parent = os.path.dirname(parent)
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
            os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask
        except FileExistsError:
            pass


class EventWriter:
    """Appends events to the log, one ``os.write`` per line. Reopens when the log was rotated."""

    def __init__(self, path: Optional[str] = None, max_line_bytes: int = MAX_LINE_BYTES) -> None:
        self.path = resolve_log_path(path)
        self.max_line_bytes = max_line_bytes
        self._fd: Optional[int] = None
        self._ident = (0, 0)

    def _open(self) -> int:
        self.close()
        _ensure_parent(self.path)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        st = os.fstat(fd)
        self._fd, self._ident = fd, (st.st_dev, st.st_ino)
        return fd

    def _descriptor(self) -> int:
        # A stat per write is cheap next to Python's own per-event cost, and keeps this writer's
        # lines out of a rotated file as far as possible (tailers drain rotated files for a while anyway).
        try:
            st = os.stat(self.path)
            current = (st.st_dev, st.st_ino)
        except FileNotFoundError:
            current = None
        if self._fd is None or current != self._ident:
            return self._open()
        return self._fd

    def write(self, event: Dict[str, Any]) -> Dict[str, Any]:
        line = encode_line(event, self.max_line_bytes)
        fd = self._descriptor()
        written = os.write(fd, line)
        while written < len(line):  # a short write (full disk, signal): finish the line
            written += os.write(fd, line[written:])
        return event

    def emit(self, type: str, data: Any = None, source: Optional[str] = None, **attrs: Any) -> Dict[str, Any]:
        return self.write(make_event(type, data, source, **attrs))

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "EventWriter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def emit(type: str, data: Any = None, source: Optional[str] = None, path: Optional[str] = None, **attrs: Any) -> Dict[str, Any]:
    """Appends one event and returns it (with its id)."""
    with EventWriter(path) as writer:
        return writer.emit(type, data, source, **attrs)


class ApprovalRefused(Exception):
    """A request Baton would refuse too: no such run, a finished run, or (approvals) a step that is
    not waiting. ``cancel`` raises it as well."""


def find_run(prefix: str, state_dir: Optional[str] = None) -> str:
    """The run a (unique) prefix of its id names, or ``last``: the same rule as the ``baton`` CLI."""
    state = resolve_state_dir(state_dir)
    runs = os.path.join(state, "runs")
    ids = sorted(name for name in (os.listdir(runs) if os.path.isdir(runs) else [])
                 if os.path.isfile(os.path.join(runs, name, "journal.jsonl")))
    if prefix in ("last", "latest"):
        if not ids:
            raise ApprovalRefused("no runs in %s" % state)
        return ids[-1]
    matches = [run_id for run_id in ids if run_id.startswith(prefix)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ApprovalRefused("no run matches '%s' in %s (see `baton runs`)" % (prefix, state))
    raise ApprovalRefused("'%s' matches %d runs (%s, ...); give more of the id" % (prefix, len(matches), ", ".join(matches[:3])))


def read_run(run_id: str, state_dir: Optional[str] = None) -> Dict[str, Any]:
    """The run's status and its steps' statuses (``[{"id", "status"}]``): a fold over its journal,
    as Baton's own (``src/core/runState.ts``) for the fields an approval needs."""
    status = "created"
    steps: Dict[str, str] = {}
    with open(os.path.join(resolve_state_dir(state_dir), "runs", run_id, "journal.jsonl"), "rb") as journal:
        for raw in journal:
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                continue  # a torn last line; Baton skips it too
            kind, data, step = record.get("type"), record.get("data") or {}, record.get("stepId")
            if kind == "baton.workflow.started":
                status = "running"
                steps = {s["id"]: "pending" for s in data.get("steps", [])}
            elif kind == "baton.workflow.resumed":
                status = "running"
            elif kind in ("baton.workflow.completed", "baton.workflow.failed", "baton.workflow.cancelled"):
                status = kind[len("baton.workflow."):]
            elif step in steps:
                if kind == "baton.step.started":
                    steps[step] = "running"
                elif kind in ("baton.step.completed", "baton.step.failed", "baton.step.skipped"):
                    steps[step] = kind[len("baton.step."):]
                elif kind == "baton.step.waiting_approval":
                    steps[step], status = "waiting_approval", "paused"
                elif kind == "baton.approval.granted":
                    steps[step], status = "pending", "running"
                elif kind == "baton.approval.rejected":
                    status = "running"
    return {"runId": run_id, "status": status, "steps": [{"id": k, "status": v} for k, v in steps.items()]}


def _requester() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "python"


def approve(run_id: str, step_id: Optional[str] = None, reject: bool = False, reason: Optional[str] = None,
            source: Optional[str] = None, path: Optional[str] = None, state_dir: Optional[str] = None,
            comment: Optional[str] = None) -> Dict[str, Any]:
    """Grants (or rejects) the approval a run is waiting for; the run's owner picks it up from the log.
    ``reason`` is journaled with the decision, as ``baton approve --reason`` does (``comment`` is its
    old name and still accepted).

    The same rules as ``baton approve``: ``run_id`` is a run of the state folder (``state_dir``, else
    ``$WORKFLOW_STATE_DIR``, else ``./.baton``; a unique prefix or ``last`` works), and only a step
    that is waiting for approval can be decided (without ``step_id``, the one waiting). Anything else
    raises ``ApprovalRefused`` and appends nothing.
    """
    run_id = find_run(run_id, state_dir)
    run = read_run(run_id, state_dir)
    if run["status"] in ("completed", "failed", "cancelled"):
        raise ApprovalRefused("run %s is already %s; there is nothing to approve" % (run_id, run["status"]))
    steps = run["steps"]
    if step_id is None:
        step = next((s for s in steps if s["status"] == "waiting_approval"), None)
        if step is None:
            raise ApprovalRefused("run %s has no step waiting for approval (it is %s)" % (run_id, run["status"]))
    else:
        step = next((s for s in steps if s["id"] == step_id), None)
        if step is None:
            raise ApprovalRefused("run %s has no step '%s'; steps: %s" % (run_id, step_id, ", ".join(s["id"] for s in steps)))
    if step["status"] != "waiting_approval":
        raise ApprovalRefused("step %s is not waiting for approval (it is %s)" % (step["id"], step["status"]))
    data: Dict[str, Any] = {"approved": not reject, "by": _requester()}
    if reason or comment:
        data["reason"] = reason or comment
    return emit("baton.approval.rejected" if reject else "baton.approval.granted", data, source, path,
                subject=run_id, runid=run_id, stepid=step["id"])


def cancel(run_id: str, reason: Optional[str] = None, source: Optional[str] = None, path: Optional[str] = None,
           state_dir: Optional[str] = None) -> Dict[str, Any]:
    """Asks the process running a run to cancel it, as ``baton cancel <run> --reason ...`` does through
    the log. The run is named as for ``approve``; an unknown or finished run raises ``ApprovalRefused``."""
    run_id = find_run(run_id, state_dir)
    status = read_run(run_id, state_dir)["status"]
    if status in ("completed", "failed", "cancelled"):
        raise ApprovalRefused("run %s is already %s" % (run_id, status))
    return emit("baton.run.cancel_requested", {"by": _requester(), "reason": reason}, source, path,
                subject=run_id, runid=run_id)


def glob_match(pattern: str, value: str) -> bool:
    """Baton's globs, exactly as the Node side reads them: ``*`` is any run of characters (dots and
    slashes included), ``?`` one character, everything else literal (so ``[`` is not a class, unlike
    ``fnmatch``)."""
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def matches(event: Dict[str, Any], type: Optional[str] = None, source: Optional[str] = None) -> bool:
    """Whether ``event`` passes ``baton tail --type <glob> --source <glob>``."""
    return (type is None or glob_match(type, str(event.get("type", "")))) and \
        (source is None or glob_match(source, str(event.get("source", ""))))


def _pread(fd: int, size: int, offset: int) -> bytes:
    if hasattr(os, "pread"):
        return os.pread(fd, size, offset)
    os.lseek(fd, offset, os.SEEK_SET)  # Windows has no pread
    return os.read(fd, size)


def _ident(path: str) -> Optional[tuple]:
    try:
        st = os.stat(path)
        return (st.st_dev, st.st_ino)
    except FileNotFoundError:
        return None


def _rotated_after(path: str, ident: Optional[tuple]) -> List[str]:
    """Rotated files newer than the one with identity ``ident``, oldest first.

    A rotation in progress shifts files up one number at a time, so the scan goes on past a single
    missing number and ignores a file met twice.
    """
    newer: List[str] = []
    seen = set()
    n, misses = 1, 0
    while misses < 2:
        candidate = "%s.%d" % (path, n)
        n += 1
        found = _ident(candidate)
        if found is None:
            misses += 1
            continue
        misses = 0
        if found == ident:
            return list(reversed(newer))
        if found not in seen:
            seen.add(found)
            newer.append(candidate)
    return []  # `ident` is gone (past keep): we cannot tell which files are newer


def tail(path: Optional[str] = None, follow: bool = True, from_end: bool = False, poll_interval: float = 0.05,
         drain_seconds: float = 0.25, on_bad_line: Optional[Callable[[int, bytes, str], None]] = None, chunk_bytes: int = 64 * 1024,
         on_caught_up: Optional[Callable[[], None]] = None) -> Iterator[Dict[str, Any]]:
    """Yields events from the log like ``tail -F``: holds back a partial last line until its newline,
    follows rotation (reads the old file to its end, then the new one from 0) and truncation.

    ``on_bad_line(offset, raw, reason)`` is called for lines that are not JSON events.
    ``on_caught_up()`` is called each time the reader has reached the end of what is written.
    Without ``follow`` it stops at the current end of the file.
    """
    path = resolve_log_path(path)
    fd: Optional[int] = None
    ident: Optional[tuple] = None
    offset = 0  # next byte to read
    pending = b""

    def lines_of(chunk: bytes, start: int) -> Iterator[Dict[str, Any]]:
        nonlocal pending
        data = pending + chunk
        base = start - len(pending)
        parts = data.split(b"\n")
        pending = parts.pop()
        pos = base
        for raw in parts:
            line_offset, pos = pos, pos + len(raw) + 1
            text = raw.rstrip(b"\r")
            if not text.strip():
                continue
            try:
                event = json.loads(text.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as error:
                if on_bad_line:
                    on_bad_line(line_offset, raw, str(error))
                continue
            if not isinstance(event, dict) or not all(isinstance(event.get(k), str) for k in ("id", "source", "type")):
                if on_bad_line:
                    on_bad_line(line_offset, raw, "not a CloudEvent")
                continue
            yield event

    def read_to_end() -> Iterator[Dict[str, Any]]:
        nonlocal offset
        assert fd is not None
        while True:
            chunk = _pread(fd, chunk_bytes, offset)
            if not chunk:
                return
            start = offset
            offset += len(chunk)
            yield from lines_of(chunk, start)

    try:
        while True:
            if fd is None:
                try:
                    fd = os.open(path, os.O_RDONLY)
                except FileNotFoundError:
                    if on_caught_up:
                        on_caught_up()
                    if not follow:
                        return
                    time.sleep(poll_interval)
                    continue
                st = os.fstat(fd)
                ident = (st.st_dev, st.st_ino)
                offset, pending = 0, b""
                if from_end:
                    offset = st.st_size
                    from_end = False
            yield from read_to_end()
            if on_caught_up:
                on_caught_up()
            if not follow:
                return
            now_ident = _ident(path)
            if now_ident is not None and now_ident != ident:
                # Rotated: a writer may not have noticed yet (Node appenders check every 100 ms), so
                # keep reading the old file for a moment; then read any file rotated after it that we
                # never saw (several rotations between two looks), then the new file from 0.
                deadline = time.monotonic() + drain_seconds
                while time.monotonic() < deadline:
                    yield from read_to_end()
                    time.sleep(poll_interval)
                yield from read_to_end()
                os.close(fd)
                fd = None
                for skipped in _rotated_after(path, ident):
                    try:
                        fd = os.open(skipped, os.O_RDONLY)
                    except FileNotFoundError:
                        continue
                    offset, pending = 0, b""
                    yield from read_to_end()
                    os.close(fd)
                    fd = None
                continue
            if os.fstat(fd).st_size < offset:  # truncated in place
                offset, pending = 0, b""
                continue
            time.sleep(poll_interval)
    finally:
        if fd is not None:
            os.close(fd)


# The integration hooks (the decorator, the convenience emitters, the seed's names) live in their own
# module and are part of this one's API: ``baton_events.process(...)``.
from baton_hooks import (  # noqa: E402  (after the definitions baton_hooks reaches back for)
    BatonLogWarning, Process, current_process, emit_mcp_tool_completed, emit_synthesis_completed,
    emit_test_completed, json_safe, notify_mcp_tool_complete, notify_synthesis_complete,
    notify_test_complete, process, summarize, with_workflow_notifications,
)

__all__ += [
    "BatonLogWarning", "Process", "current_process", "emit_mcp_tool_completed", "emit_synthesis_completed",
    "emit_test_completed", "json_safe", "notify_mcp_tool_complete", "notify_synthesis_complete",
    "notify_test_complete", "process", "summarize", "with_workflow_notifications",
]


if __name__ == "__main__":
    import sys

    from baton_client import main

    sys.exit(main(sys.argv[1:]))
