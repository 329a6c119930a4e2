"""A pytest plugin that reports each test session to Baton's shared event log as ``test.completed``.

Installed with the package (entry point ``pytest11``), it stays off unless ``pytest --baton`` or
``BATON_PYTEST=1``. At the end of the session it appends one event whose data holds the Node
library's ``emitTestCompleted`` keys (``test_suite``, ``tests_passed``, ``tests_failed``,
``success``, ``coverage``) and pytest's own counts: ``passed``, ``failed``, ``skipped``,
``errors``, ``duration_ms`` and ``exit_status``. ``failed`` counts errors too (a broken fixture, a
module that does not import, an interrupted session), so ``where: { "data.failed": 0 }`` means
nothing went wrong. ``coverage`` is pytest-cov's total, when pytest-cov ran.

Writing the event never changes the session's outcome: if the log cannot be written, pytest says so
in its summary and exits as it would have.
"""

from __future__ import annotations

import os
import time
from typing import Any, Dict, Optional

import baton_events

# pytest's exit codes that mean the session itself went wrong rather than a test.
_BROKEN_SESSION = (2, 3, 4)  # interrupted, internal error, usage error


def pytest_addoption(parser: Any) -> None:
    group = parser.getgroup("baton", "Baton's shared event log")
    group.addoption("--baton", action="store_true", default=False,
                    help="append test.completed to Baton's event log when the session ends (also: BATON_PYTEST=1)")
    group.addoption("--baton-source", default=None, metavar="NAME",
                    help="the event's source (default: baton://<host>/pytest/<pid>)")
    group.addoption("--baton-log", default=None, metavar="PATH",
                    help="the log (default: $BATON_EVENT_LOG, else $WORKFLOW_STATE_DIR/events.jsonl, else .baton/events.jsonl)")


def pytest_configure(config: Any) -> None:
    wanted = config.getoption("baton") or os.environ.get("BATON_PYTEST", "").strip() == "1"
    if wanted and not hasattr(config, "workerinput"):  # under pytest-xdist, only the controller reports
        config.pluginmanager.register(BatonReporter(config), "baton-reporter")


class BatonReporter:
    """Counts the session's outcomes and appends ``test.completed`` when it ends."""

    def __init__(self, config: Any) -> None:
        self.config = config
        self.counts = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
        self.t0 = time.monotonic()
        self.event: Optional[Dict[str, Any]] = None
        self.problem: Optional[str] = None

    def pytest_sessionstart(self, session: Any) -> None:
        self.t0 = time.monotonic()

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:
            self.counts["errors"] += 1

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when == "call":
            # An expected failure (xfail) is reported as skipped, an unexpected pass as passed: as pytest counts them.
            key = "passed" if report.passed else "failed" if report.failed else "skipped"
            self.counts[key] += 1
        elif report.failed:  # setup or teardown broke
            self.counts["errors"] += 1
        elif report.when == "setup" and report.skipped:
            self.counts["skipped"] += 1

    def data(self, exitstatus: int) -> Dict[str, Any]:
        errors = self.counts["errors"] + (1 if int(exitstatus) in _BROKEN_SESSION else 0)
        failed = self.counts["failed"] + errors
        passed = self.counts["passed"]
        suite = " ".join(os.path.relpath(a) if os.path.isabs(a) else a for a in (self.config.args or ["."]))
        data: Dict[str, Any] = {"test_suite": suite, "tests_passed": passed, "tests_failed": failed}
        coverage = _coverage_total(self.config)
        if coverage is not None:
            data["coverage"] = coverage
        data["success"] = failed == 0 and int(exitstatus) == 0
        data.update({"passed": passed, "failed": failed, "skipped": self.counts["skipped"], "errors": errors,
                     "duration_ms": int((time.monotonic() - self.t0) * 1000), "exit_status": int(exitstatus)})
        return data

    def pytest_sessionfinish(self, session: Any, exitstatus: int) -> None:
        source = self.config.getoption("baton_source") or baton_events.default_source("pytest")
        path = self.config.getoption("baton_log")
        try:
            self.event = baton_events.emit("test.completed", self.data(exitstatus), source, path)
        except (OSError, ValueError) as error:
            self.problem = "test.completed not written to %s: %s" % (baton_events.resolve_log_path(path), error)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.event is not None:
            terminalreporter.write_line("baton: test.completed %s (passed %d, failed %d)" % (
                self.event["id"], self.event["data"]["passed"], self.event["data"]["failed"]))
        elif self.problem is not None:
            terminalreporter.write_line("baton: " + self.problem, yellow=True)


def _coverage_total(config: Any) -> Optional[float]:
    # pytest-cov keeps the total it reports in its plugin object once the tests have run.
    plugin = config.pluginmanager.get_plugin("_cov")
    total = getattr(plugin, "cov_total", None) if plugin is not None else None
    return round(float(total), 2) if isinstance(total, (int, float)) else None
