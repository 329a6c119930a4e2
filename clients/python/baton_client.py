"""Command line for Baton's shared event log, for tools that are not Baton (PyCharm, scripts, CI).

    python3 baton_client.py emit test.completed --data '{"passed": 12}' [--source pycharm]
    python3 baton_client.py tail [--follow] [--type 'process.*'] [--json] [--from-end] [--limit N]
    python3 baton_client.py approve <run-id> [--step <id>] [--reject] [--comment text] [--state-dir DIR]

The log is ``--log``, else ``$BATON_EVENT_LOG``, else ``$WORKFLOW_STATE_DIR/events.jsonl``, else
``./.baton/events.jsonl``. Standard library only. Exit codes: 0 ok, 2 usage error or a refused
approval (no such run, or the step is not waiting for approval).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from typing import List, Optional

import baton_events


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="baton_client", description="Emit, tail and approve through Baton's shared event log.")
    parser.add_argument("--log", help="path of the event log (default: $BATON_EVENT_LOG or .baton/events.jsonl)")
    sub = parser.add_subparsers(dest="command", required=True)

    emit = sub.add_parser("emit", help="append one event")
    emit.add_argument("type", help="event type, e.g. test.completed")
    emit.add_argument("--data", help="JSON payload")
    emit.add_argument("--source", help="event source (default: baton://<host>/python/<pid>)")
    emit.add_argument("--subject", help="subject, e.g. a run id")

    tail = sub.add_parser("tail", help="print events")
    tail.add_argument("--follow", "-f", action="store_true", help="keep following the log (like tail -F)")
    tail.add_argument("--type", help="glob on the event type, e.g. 'process.*'")
    tail.add_argument("--json", action="store_true", help="print each event as one JSON line")
    tail.add_argument("--from-end", action="store_true", help="start at the end of the log")
    tail.add_argument("--limit", type=int, help="stop after this many events")

    approve = sub.add_parser("approve", help="grant (or reject) a run's pending approval")
    approve.add_argument("run", help="run id")
    approve.add_argument("--step", help="step id")
    approve.add_argument("--reject", action="store_true", help="reject instead of granting")
    approve.add_argument("--comment", help="a note for the record")
    approve.add_argument("--state-dir", help="Baton's state folder holding the run (default: $WORKFLOW_STATE_DIR or .baton)")
    return parser


def _human(event: dict) -> str:
    where = " ".join(str(event[k]) for k in ("runid", "stepid") if event.get(k))
    data = event.get("data")
    payload = "" if data is None else " " + json.dumps(data, separators=(",", ":"), ensure_ascii=False)[:200]
    return "%s %-28s %s%s%s" % (event.get("time", "-"), event.get("type"), event.get("source"), (" " + where) if where else "", payload)


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "emit":
        try:
            data = None if args.data is None else json.loads(args.data)
        except ValueError as error:
            print("baton_client: --data is not JSON: %s" % error, file=sys.stderr)
            return 2
        event = baton_events.emit(args.type, data, args.source, args.log, subject=args.subject)
        print(event["id"])
        return 0
    if args.command == "approve":
        try:
            event = baton_events.approve(args.run, args.step, args.reject, args.comment, path=args.log, state_dir=args.state_dir)
        except baton_events.ApprovalRefused as refused:
            print("baton_client approve: %s" % refused, file=sys.stderr)
            return 2
        print(event["id"])
        return 0
    count = 0

    def bad(offset: int, raw: bytes, reason: str) -> None:
        print("baton_client: bad line at byte %d: %s" % (offset, reason), file=sys.stderr)

    try:
        for event in baton_events.tail(args.log, follow=args.follow, from_end=args.from_end, on_bad_line=bad):
            if args.type and not fnmatch.fnmatchcase(str(event.get("type")), args.type):
                continue
            print(json.dumps(event, separators=(",", ":"), ensure_ascii=False) if args.json else _human(event), flush=True)
            count += 1
            if args.limit is not None and count >= args.limit:
                break
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
