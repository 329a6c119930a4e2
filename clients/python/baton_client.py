"""Command line for Baton's shared event log, for tools that are not Baton (PyCharm, scripts, CI).
Installed with the package as ``baton-py``; the same as ``python3 baton_client.py``:

    python3 baton_client.py emit test.completed --data '{"passed": 12}' [--source pycharm] [--subject s] [--json]
    python3 baton_client.py tail [--follow] [--type 'process.*'] [--source '*pycharm*'] [--limit N] [--json]
    python3 baton_client.py approve <run-id> [--step/-s <id>] [--reject] [--reason text] [--state-dir DIR]
    python3 baton_client.py cancel <run-id> [--reason text] [--state-dir DIR]

The flags are the ``baton`` CLI's: ``tail --limit N`` (``-n N``) prints the newest N matching events
(default 20) and, with ``--follow``, then every new one; ``--type`` and ``--source`` are Baton's
globs (``*`` and ``?`` only), so both sides print the same events for the same log.

The log is ``--log``, else ``$BATON_EVENT_LOG``, else ``$WORKFLOW_STATE_DIR/events.jsonl``, else
``./.baton/events.jsonl``. Standard library only. Exit codes: 0 ok, 2 usage error or a refused
request (no such run, a finished run, or a step that is not waiting for approval).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
from typing import List, Optional

import baton_events


def _program() -> str:
    # `baton-py` when run as the installed script, `baton_client` as a file or with -m.
    name = os.path.basename(sys.argv[0] if sys.argv and sys.argv[0] else "baton_client")
    return name[:-3] if name.endswith(".py") else name


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="Emit, tail and approve through Baton's shared event log.")
    parser.add_argument("--log", help="path of the event log (default: $BATON_EVENT_LOG or .baton/events.jsonl)")
    sub = parser.add_subparsers(dest="command", required=True)

    emit = sub.add_parser("emit", help="append one event")
    emit.add_argument("type", help="event type, e.g. test.completed")
    emit.add_argument("--data", "-d", help="JSON payload")
    emit.add_argument("--source", help="event source (default: baton://<host>/python/<pid>)")
    emit.add_argument("--subject", help="subject, e.g. a run id")
    emit.add_argument("--json", action="store_true", help="print the whole event, not only its id")

    tail = sub.add_parser("tail", help="print the newest events (and follow the log with --follow)")
    tail.add_argument("--follow", "-f", action="store_true", help="then keep following the log (like tail -F)")
    tail.add_argument("--type", "-t", help="glob on the event type, e.g. 'process.*'")
    tail.add_argument("--source", help="glob on the event source, e.g. '*pycharm*'")
    tail.add_argument("--limit", "-n", type=_whole_number, default=20, help="how many of the newest matching events to print first (default 20; 0 with --follow: only new ones)")
    tail.add_argument("--json", action="store_true", help="print each event as one JSON line")
    tail.add_argument("--from-end", action="store_true", help="the same as --limit 0")

    approve = sub.add_parser("approve", help="grant (or reject) a run's pending approval")
    approve.add_argument("run", help="run id")
    approve.add_argument("--step", "-s", help="step id")
    approve.add_argument("--reject", action="store_true", help="reject instead of granting")
    approve.add_argument("--reason", "--comment", dest="reason", help="why, for the record (--comment is the old name)")
    approve.add_argument("--state-dir", help="Baton's state folder holding the run (default: $WORKFLOW_STATE_DIR or .baton)")

    cancel = sub.add_parser("cancel", help="ask the process running a run to cancel it")
    cancel.add_argument("run", help="run id")
    cancel.add_argument("--reason", help="why, for the record")
    cancel.add_argument("--state-dir", help="Baton's state folder holding the run (default: $WORKFLOW_STATE_DIR or .baton)")
    return parser


def _whole_number(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError("takes a whole number >= 0, got '%s'" % text)
    return int(text)


def _human(event: dict) -> str:
    where = " ".join(str(event[k]) for k in ("runid", "stepid") if event.get(k))
    data = event.get("data")
    payload = "" if data is None else " " + json.dumps(data, separators=(",", ":"), ensure_ascii=False)[:200]
    return "%s %-28s %s%s%s" % (event.get("time", "-"), event.get("type"), event.get("source"), (" " + where) if where else "", payload)


def main(argv: Optional[List[str]] = None) -> int:
    prog = _program()
    args = _parser(prog).parse_args(argv)
    if args.command == "emit":
        try:
            data = None if args.data is None else json.loads(args.data)
        except ValueError as error:
            print("%s: --data is not JSON: %s" % (prog, error), file=sys.stderr)
            return 2
        event = baton_events.emit(args.type, data, args.source, args.log, subject=args.subject)
        print(json.dumps(event, separators=(",", ":"), ensure_ascii=False) if args.json else event["id"])
        return 0
    if args.command in ("approve", "cancel"):
        try:
            if args.command == "approve":
                event = baton_events.approve(args.run, args.step, args.reject, args.reason, path=args.log, state_dir=args.state_dir)
            else:
                event = baton_events.cancel(args.run, args.reason, path=args.log, state_dir=args.state_dir)
        except baton_events.ApprovalRefused as refused:
            print("%s %s: %s" % (prog, args.command, refused), file=sys.stderr)
            return 2
        print(event["id"])
        return 0
    return _tail(args, prog)


def _tail(args: argparse.Namespace, prog: str) -> int:
    """``baton tail``: the newest --limit matches (only those kept in memory), then, with --follow, new ones."""
    backlog: "collections.deque[dict]" = collections.deque(maxlen=0 if args.from_end else args.limit)
    live = False

    def show(event: dict) -> None:
        print(json.dumps(event, separators=(",", ":"), ensure_ascii=False) if args.json else _human(event), flush=True)

    def caught_up() -> None:
        nonlocal live
        if not live:
            live = True
            while backlog:
                show(backlog.popleft())

    def bad(offset: int, raw: bytes, reason: str) -> None:
        print("%s: bad line at byte %d: %s" % (prog, offset, reason), file=sys.stderr)

    try:
        for event in baton_events.tail(args.log, follow=args.follow, on_bad_line=bad, on_caught_up=caught_up):
            if not baton_events.matches(event, args.type, args.source):
                continue
            if live:
                show(event)
            else:
                backlog.append(event)
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:  # `| head`: the reader has gone
        sys.stderr.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
