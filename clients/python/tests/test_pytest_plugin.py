"""The pytest plugin's counts, in-process with pytest's own ``pytester`` (the e2e test runs real
pytest processes against a real ``baton watch``)."""

import json
import os

import pytest

pytest_plugins = ["pytester"]

# With entry points not loaded (PYTEST_DISABLE_PLUGIN_AUTOLOAD, which keeps the machine's other
# plugins out and the runs quick), the plugin is named; otherwise its entry point loads it.
PLUGIN = ("-p", "baton_pytest") if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD") else ()

MIXED = """
import pytest

@pytest.fixture
def broken():
    raise RuntimeError("no database")

def test_ok(): pass
def test_ok_too(): pass
def test_fails(): assert 1 == 2
def test_needs_broken(broken): pass
@pytest.mark.skip(reason="later")
def test_skipped(): pass
@pytest.mark.xfail(reason="known")
def test_known_bug(): assert False
"""


@pytest.fixture
def log(tmp_path, monkeypatch):
    path = tmp_path / "events.jsonl"
    monkeypatch.setenv("BATON_EVENT_LOG", str(path))
    monkeypatch.delenv("BATON_PYTEST", raising=False)
    return path


def events(path):
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_off_unless_asked(pytester, log):
    pytester.makepyfile(test_a="def test_a(): pass")
    assert pytester.runpytest(*PLUGIN).ret == 0
    assert events(log) == []


def test_counts_a_mixed_session(pytester, log):
    pytester.makepyfile(test_mixed=MIXED)
    result = pytester.runpytest(*PLUGIN, "--baton", "--baton-source", "pycharm")
    assert result.ret == 1
    (event,) = events(log)
    assert event["type"] == "test.completed" and event["source"] == "pycharm"
    data = event["data"]
    assert {k: data[k] for k in ("passed", "failed", "skipped", "errors", "exit_status", "success")} == \
        {"passed": 2, "failed": 2, "skipped": 2, "errors": 1, "exit_status": 1, "success": False}
    assert data["tests_passed"] == 2 and data["tests_failed"] == 2 and isinstance(data["duration_ms"], int)
    assert "coverage" not in data
    result.stdout.fnmatch_lines(["baton: test.completed * (passed 2, failed 2)"])


def test_env_switch_a_collection_error_and_the_default_source(pytester, log, monkeypatch):
    monkeypatch.setenv("BATON_PYTEST", "1")
    pytester.makepyfile(test_good="def test_a(): pass", test_bad="import not_a_module_anywhere")
    assert pytester.runpytest(*PLUGIN).ret == 2  # a collection error interrupts the session
    (event,) = events(log)
    assert event["source"].startswith("baton://") and "/pytest/" in event["source"]
    assert event["data"]["failed"] >= 1 and event["data"]["errors"] >= 1 and event["data"]["success"] is False


def test_coverage_from_pytest_cov_when_it_ran(pytester, log):
    # pytest-cov's plugin registers as "_cov" and holds the reported total in cov_total.
    pytester.makeconftest("""
class CovPlugin:
    cov_total = 87.456
def pytest_configure(config):
    config.pluginmanager.register(CovPlugin(), "_cov")
""")
    pytester.makepyfile(test_a="def test_a(): pass")
    assert pytester.runpytest(*PLUGIN, "--baton").ret == 0
    (event,) = events(log)
    assert event["data"]["coverage"] == 87.46 and event["data"]["success"] is True and event["data"]["failed"] == 0


def test_an_unwritable_log_does_not_change_the_outcome(pytester, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("BATON_EVENT_LOG", str(blocker / "events.jsonl"))
    pytester.makepyfile(test_a="def test_a(): pass")
    result = pytester.runpytest(*PLUGIN, "--baton")
    assert result.ret == 0
    result.stdout.fnmatch_lines(["baton: test.completed not written to *"])
