"""The process decorator / context manager and the convenience emitters, through the log they write.

Run by test/e2e/python-package.test.ts with the package installed in a fresh venv; also runnable
by hand: ``python3 -m pytest clients/python/tests``.
"""

import ast
import asyncio
import json
import os
import subprocess
import sys
import threading
import warnings

import pytest

import baton_events

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCES = os.path.dirname(HERE)


@pytest.fixture
def log(tmp_path, monkeypatch):
    path = str(tmp_path / "state" / "events.jsonl")
    monkeypatch.setenv("BATON_EVENT_LOG", path)
    return path


def read(path):
    with open(path, "rb") as f:
        return [json.loads(line) for line in f.read().decode("utf-8").splitlines()]


def by_type(events, type):
    return [e for e in events if e["type"] == type]


def test_a_sync_function_reports_start_and_completion_with_its_result_duration_and_next_steps(log):
    @baton_events.process("NBA analysis", source="pycharm", next_steps=["Review the report"], metadata={"season": 2024})
    def analyse(team):
        """Analyses one team."""
        return {"team": team, "wins": 57, "ratio": 0.695}

    assert analyse("Lakers") == {"team": "Lakers", "wins": 57, "ratio": 0.695}
    assert analyse.__name__ == "analyse" and analyse.__doc__ == "Analyses one team."
    started, completed = read(log)
    assert [started["type"], completed["type"]] == ["process.started", "process.completed"]
    assert started["source"] == completed["source"] == "pycharm"
    assert started["data"] == {"name": "NBA analysis", "pid": os.getpid(), "host": started["data"]["host"], "season": 2024}
    assert completed["causationid"] == started["id"]
    data = completed["data"]
    assert data["exit_code"] == 0 and isinstance(data["duration_ms"], int) and data["duration_ms"] >= 0
    assert data["result"] == {"team": "Lakers", "wins": 57, "ratio": 0.695}
    assert data["next_steps"] == ["Review the report"]
    assert os.stat(log).st_mode & 0o777 == 0o600 and os.stat(os.path.dirname(log)).st_mode & 0o777 == 0o700


def test_async_functions_run_concurrently_each_with_its_own_events_and_progress(log):
    @baton_events.process("fetch")
    async def fetch(n):
        await asyncio.sleep(0.01 * (5 - n))  # finish in the reverse order of starting
        baton_events.current_process().progress("half way", percent=50, n=n)
        await asyncio.sleep(0)
        return n * 10

    async def main():
        return await asyncio.gather(*(fetch(n) for n in range(5)))

    assert asyncio.run(main()) == [0, 10, 20, 30, 40]
    assert baton_events.current_process() is None
    events = read(log)
    started = {e["id"]: e for e in by_type(events, "process.started")}
    assert len(started) == 5
    progress = {e["data"]["n"]: e for e in by_type(events, "process.in_progress")}
    done = {e["data"]["result"] // 10: e for e in by_type(events, "process.completed")}
    assert sorted(progress) == sorted(done) == list(range(5))
    for n in range(5):  # a task's progress and completion hang off that task's own start
        assert progress[n]["causationid"] == done[n]["causationid"] and progress[n]["causationid"] in started
        assert progress[n]["data"]["message"] == "half way" and progress[n]["data"]["percent"] == 50
    assert len({e["causationid"] for e in done.values()}) == 5


class QuotaExceeded(Exception):
    def __init__(self, message, remaining):
        super().__init__(message)
        self.remaining = remaining


def test_a_raising_function_reports_the_failure_and_the_very_same_exception_goes_on(log):
    raised = []

    @baton_events.process("synthesis")
    def synthesise():
        error = QuotaExceeded("quota exceeded for model deepseek", remaining=0)
        raised.append(error)
        raise error

    with pytest.raises(QuotaExceeded) as caught:
        synthesise()
    assert caught.value is raised[0] and caught.value.remaining == 0
    assert any(frame.name == "synthesise" for frame in caught.traceback), "the traceback still reaches the raise"
    started, failed = read(log)
    assert failed["type"] == "process.failed" and failed["causationid"] == started["id"]
    data = failed["data"]
    assert data["exit_code"] == 1 and data["error_type"] == "QuotaExceeded"
    assert data["message"] == "quota exceeded for model deepseek"
    assert "in synthesise" in data["traceback"] and data["traceback"].endswith("QuotaExceeded: quota exceeded for model deepseek")
    assert "result" not in data and isinstance(data["duration_ms"], int)


def test_an_async_function_that_raises_is_reported_and_reraised(log):
    @baton_events.process("async failure")
    async def broken():
        await asyncio.sleep(0)
        raise KeyError("missing")

    with pytest.raises(KeyError):
        asyncio.run(broken())
    assert [e["type"] for e in read(log)] == ["process.started", "process.failed"]
    assert read(log)[1]["data"]["error_type"] == "KeyError"


def test_threads_share_nothing_every_call_gets_its_own_pair_of_events(log):
    @baton_events.process("worker")
    def work(thread, i):
        baton_events.current_process().progress(thread=thread, i=i)
        if i % 7 == 3:
            raise RuntimeError("odd one %d/%d" % (thread, i))
        return {"thread": thread, "i": i}

    def run(thread):
        for i in range(25):
            try:
                work(thread, i)
            except RuntimeError:
                pass

    threads = [threading.Thread(target=run, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = read(log)
    assert len(events) == 8 * 25 * 3
    starts = {e["id"] for e in by_type(events, "process.started")}
    assert len(starts) == 200
    ends = by_type(events, "process.completed") + by_type(events, "process.failed")
    assert len(ends) == 200 and {e["causationid"] for e in ends} == starts, "every start ends exactly once"
    progress = {e["causationid"]: (e["data"]["thread"], e["data"]["i"]) for e in by_type(events, "process.in_progress")}
    for end in by_type(events, "process.completed"):
        result = end["data"]["result"]
        assert progress[end["causationid"]] == (result["thread"], result["i"]), "a call's events are never another call's"
    assert len(by_type(events, "process.failed")) == 8 * len([i for i in range(25) if i % 7 == 3])


def test_the_context_manager_reports_progress_and_result_and_reraises(log):
    with baton_events.process("import games", source="pycharm") as p:
        p.progress("season 2023 loaded", percent=50.0)
        p.result = {"games": 1230}
    with pytest.raises(ZeroDivisionError):
        with baton_events.process("bad division"):
            1 / 0
    events = read(log)
    assert [e["type"] for e in events] == ["process.started", "process.in_progress", "process.completed", "process.started", "process.failed"]
    assert events[1]["data"]["message"] == "season 2023 loaded" and events[1]["data"]["percent"] == 50.0
    assert events[2]["data"]["result"] == {"games": 1230}
    assert events[4]["data"]["error_type"] == "ZeroDivisionError"
    once = baton_events.process("once")
    with once:
        pass
    with pytest.raises(RuntimeError):
        with once:
            pass

    async def use_async_with():
        async with baton_events.process("async block") as q:
            q.result = "ok"

    asyncio.run(use_async_with())
    assert read(log)[-1]["data"]["result"] == "ok"


class Opaque:
    def __repr__(self):
        return "<Opaque>"


def test_results_are_made_json_safe_and_capped(log):
    @baton_events.process("odd values")
    def odd():
        return {"set": {3, 1, 2}, "tuple": (1, 2), "nan": float("nan"), "bytes": b"\x00\x01", "object": Opaque(), 7: "int key"}

    @baton_events.process("huge")
    def huge():
        return "x" * 1_000_000

    odd()
    huge()
    lines = open(log, "rb").read().splitlines()
    assert all(len(line) < 8 * 1024 for line in lines), "a huge result does not make a huge line"
    events = read(log)
    assert events[1]["data"]["result"] == {"set": [1, 2, 3], "tuple": [1, 2], "nan": "nan", "bytes": "b'\\x00\\x01'", "object": "<Opaque>", "7": "int key"}
    capped = events[3]["data"]["result"]
    assert capped["truncated"] is True and capped["originalBytes"] == 1_000_002 and capped["preview"].startswith('"xxx')
    assert len(json.dumps(capped, ensure_ascii=False).encode()) <= 4096


def test_an_unwritable_log_warns_and_the_function_still_runs(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("BATON_EVENT_LOG", str(blocker / "events.jsonl"))  # a folder inside a file

    @baton_events.process("offline")
    def compute():
        return 42

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        assert compute() == 42
    assert [w.category for w in seen] == [baton_events.BatonLogWarning] * 2


def test_the_seeds_names_write_the_same_events(log):
    class Source:
        value = "claude_code"

    @baton_events.with_workflow_notifications("NBA Data Analysis", source=Source())
    async def analyze_nba_data(query):
        return {"rows": 3}

    asyncio.run(analyze_nba_data("Lakers"))
    baton_events.notify_test_complete(test_suite="tests/", tests_passed=71, tests_failed=0, coverage=98.6, source="pytest")
    baton_events.notify_synthesis_complete(query="q", response="r", cost=0.015, source="synthesis")
    baton_events.notify_mcp_tool_complete(tool_name="query_database", params={"sql": "SELECT 1"}, result={"rows": 100}, source="mcp_server")
    events = read(log)
    assert [(e["type"], e["source"]) for e in events] == [
        ("process.started", "claude_code"), ("process.completed", "claude_code"), ("test.completed", "pytest"),
        ("synthesis.completed", "synthesis"), ("mcp_tool.completed", "mcp_server")]
    assert events[2]["data"] == {"test_suite": "tests/", "tests_passed": 71, "tests_failed": 0, "coverage": 98.6, "success": True}
    assert events[4]["data"] == {"tool_name": "query_database", "params": {"sql": "SELECT 1"}, "result": {"rows": 100}}


def test_every_event_is_one_os_write(log, monkeypatch):
    writes = []
    real_write = os.write

    def counting_write(fd, data):
        writes.append(bytes(data))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", counting_write)

    @baton_events.process("big")
    def big(n):
        baton_events.current_process().progress("p" * 3000)
        if n:
            raise ValueError("v" * 3000)
        return "r" * 3900

    big(0)
    with pytest.raises(ValueError):
        big(1)
    monkeypatch.setattr(os, "write", real_write)
    lines = open(log, "rb").read().splitlines(keepends=True)
    assert len(lines) == 6 and writes == lines, "each line went out in exactly one write"


WRITER = r"""
import sys, threading, baton_events

@baton_events.process("stress", source="stress-" + sys.argv[1])
def call(t, i):
    baton_events.current_process().progress("q" * 2000, t=t, i=i)
    if i % 5 == 4:
        raise ValueError("e" * 3000)
    return {"t": t, "i": i, "pad": "r" * 3500}

def run(t):
    for i in range(20):
        try:
            call(t, i)
        except ValueError:
            pass

threads = [threading.Thread(target=run, args=(t,)) for t in range(4)]
[t.start() for t in threads]
[t.join() for t in threads]
"""


def test_many_processes_and_threads_decorating_at_once_never_tear_a_line(log):
    # Lines of 4-8 KiB (past PIPE_BUF) from 6 processes x 4 threads at once: one write per line keeps
    # them whole; split writes would interleave.
    env = dict(os.environ, PYTHONPATH=os.path.dirname(baton_events.__file__))  # the copy under test
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(n)], env=env) for n in range(6)]
    assert [p.wait(timeout=60) for p in procs] == [0] * 6
    events = read(log)  # json.loads fails on a torn line
    assert len(events) == 6 * 4 * 20 * 3
    ends = by_type(events, "process.completed") + by_type(events, "process.failed")
    assert {e["causationid"] for e in ends} == {e["id"] for e in by_type(events, "process.started")}


def test_the_modules_parse_as_python_3_8():
    for name in ("baton_events", "baton_hooks", "baton_client", "baton_pytest", os.path.join("_build", "baton_build")):
        with open(os.path.join(SOURCES, name + ".py"), encoding="utf-8") as f:
            ast.parse(f.read(), name, feature_version=(3, 8))
