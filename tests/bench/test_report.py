"""The benchmark's bookkeeping on a tiny made-up result set: no system, no timing."""
import json

from bench import loadgen, measure, profiles, report


def step(offered, achieved, p95, errors=0):
    return {"offered_rate": offered, "achieved_rate": achieved, "operations": int(offered * 5), "errors": errors,
            "p50_ms": p95 / 2, "p90_ms": p95 * 0.9, "p95_ms": p95, "p99_ms": p95 * 1.5, "max_ms": p95 * 2}


def test_a_run_that_falls_behind_or_fails_is_not_sustained():
    assert measure.sustained(step(100, 95, 20))
    assert not measure.sustained(step(100, 80, 20))
    assert not measure.sustained(step(100, 100, 20, errors=10))


def test_latency_counts_from_the_intended_start_and_throughput_from_the_last_answer():
    # three operations due at 0, 0.5 and 1.0 s of a 1.5 s window; the last answered at 3 s
    summary = loadgen.summary(2, 1.5, 0.0, [0.010, 0.020, 2.0], [0.01, 0.52, 3.0], errors=0)
    assert summary["achieved_rate"] == 1.0  # 3 answers over 3 s, not over the 1.5 s offered
    assert summary["max_ms"] == 2000.0 and summary["p50_ms"] == 20.0


def test_the_report_shows_each_figure_beside_its_goal_with_plots(tmp_path):
    results = {"started_at": "2026-11-28T20:00:00+00:00", "settings": {"quick": True}, "total_seconds": 12,
               "machine": {"cores": 2, "python": "3.11", "load_average_at_start": [1, 1, 1]},
               "scenarios": {
                   "2": {"title": "dashboard", "summary": "gateway 40/s vs baseline 100/s", "met": False,
                         "goal": "ratio >= 0.5", "ladders": {"gateway": [step(10, 10, 30), step(40, 30, 900)],
                                                             "baseline": [step(10, 10, 10), step(100, 99, 40)]},
                         "profile": "x-s2-profile.json", "bounding": "gateway",
                         "profile_summary": {"seconds_sampled": 8, "self": [["poll (selectors.py:1)", 40.0]],
                                             "own_code_inclusive": [["overview (ledger/overview.py:124)", 30.0]]}},
                   "7": report.memory_result({"gateway": 300 * report.MIB, "baseline": 100 * report.MIB},
                                             {"gateway": 400 * report.MIB}, "memory")}}
    paths = report.write(results, tmp_path, "x")
    page = (tmp_path / "x.md").read_text()
    assert "| 2 | dashboard | gateway 40/s vs baseline 100/s | ratio >= 0.5 | **missed** |" in page
    assert "![scenario 2](x-s2.png)" in page and "[x-s2-profile.json](x-s2-profile.json)" in page
    assert "| `poll (selectors.py:1)` | 40.0 | `overview (ledger/overview.py:124)` | 30.0 |" in page
    assert (tmp_path / "x-s2.png").read_bytes()[:4] == b"\x89PNG" and (tmp_path / "x-s7.png").exists()
    assert json.loads((tmp_path / "x.json").read_text())["scenarios"]["7"]["figures"]["total_under_load_mib"] == 400
    assert len(paths) == 4


def test_a_profile_summary_ranks_self_time_and_our_own_frames(tmp_path):
    profile = tmp_path / "p.json"
    frames = [{"name": "main", "file": "/x/services/ledger/ledger/service.py", "line": 1},
              {"name": "execute", "file": "/x/site-packages/sqlalchemy/engine.py", "line": 2},
              {"name": "dumps", "file": "/usr/lib/python3.11/json/__init__.py", "line": 3}]
    profile.write_text(json.dumps({"shared": {"frames": frames}, "profiles": [
        {"samples": [[0, 1], [0, 1], [0, 1], [0, 2]], "weights": [0.02, 0.02, 0.02, 0.02]}]}))
    summary = profiles.summary(profile)
    assert summary["self"][0] == ["execute (sqlalchemy/engine.py:2)", 75.0]
    assert summary["self"][1] == ["dumps (json/__init__.py:3)", 25.0]
    assert summary["own_code_inclusive"] == [["main (ledger/ledger/service.py:1)", 100.0]]
