"""`make bench`: the system as `make up` starts it, the data set, scenarios 1-7, the report.

    .venv/bin/python -m bench.harness [--only 2 7]      (BENCH_QUICK=1: a small smoke run)

Writes bench/results/<date>.json, <date>.md and <date>-*.png (plots), and a py-spy flame graph of
the busiest service for each scenario that misses its goal. Load comes from `bench.loadgen` in
processes of their own, open-loop at fixed rates.
"""
import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")  # nameko 2 needs it

import argparse  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402

from bench import dataset, measure, profiles, report  # noqa: E402
from bench.system import BenchSystem  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
SCENARIOS = {1: "RPC round trip: project RPC vs raw AMQP", 2: "Taxpayer dashboard: gateway vs monolith baseline",
             3: "Statement import and allocation vs PostgreSQL COPY", 4: "Reminder fan-out vs the SMTP sink",
             5: "Declaration submission with UPO through the gateway", 6: "Login with argon2id",
             7: "Memory: resident size at rest and under scenario 2"}


@dataclass
class Settings:
    quick: bool
    taxpayers: int
    sessions: int
    import_payments: int
    step_seconds: float
    warmup_seconds: float
    profile_seconds: float
    fanout_cap_seconds: float
    stamp: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d"))

    @classmethod
    def from_environment(cls) -> "Settings":
        if os.environ.get("BENCH_QUICK") == "1":
            return cls(True, 4_000, 200, 2_000, 2, 1, 3, 60)
        return cls(False, 200_000, 2_000, 100_000, 8, 2, 8, 240)

    def profile_path(self, scenario: int) -> Path:
        return RESULTS / f"{self.stamp}{'-quick' if self.quick else ''}-s{scenario}-profile.json"


def run_scenario(number: int, module, system, settings) -> dict:
    print(f"\nscenario {number}: {SCENARIOS[number]}", flush=True)
    started = time.monotonic()
    try:
        result = module.scenario(system, settings)
    except Exception:  # one broken scenario must not cost the others' figures
        traceback.print_exc()
        result = {"error": traceback.format_exc(limit=5), "met": None, "summary": "failed: see error"}
    result.update(title=SCENARIOS[number], seconds=round(time.monotonic() - started, 1),
                  load_average=round(os.getloadavg()[0], 2))
    return result


def profile_missed(number: int, module, system, settings, result: dict) -> None:
    """A profile of the busiest program for a scenario that missed its goal; those profiled during
    the run (3, 4) keep theirs only when they missed."""
    during = result.pop("profile_during_run", None)
    if during:
        if result.get("met") is False:
            result["profile"] = Path(during).name
            result["profile_summary"] = profiles.summary(Path(during))
        else:
            Path(during).unlink(missing_ok=True)
        return
    if result.get("met") is not False or not hasattr(module, "profile_load"):
        return
    name = result["bounding"]
    pid = system.processes[name].pid
    output = settings.profile_path(number)
    print(f"  profiling {name} (pid {pid}) for scenario {number}", flush=True)
    try:
        with measure.profiled(pid, output, subprocesses=name in ("gateway", "baseline")) as recorded:
            module.profile_load(system, settings, result)
        if recorded and output.exists():
            result["profile"] = output.name
            result["profile_summary"] = profiles.summary(output)
    except Exception:
        traceback.print_exc()


def load_data(system, settings) -> dict:
    print(f"\nloading the data set: {settings.taxpayers:,} taxpayers", flush=True)
    timings: dict = {}
    started = time.monotonic()
    dataset.load_identity(system.database_urls["identity"], settings.taxpayers, settings.sessions, system.run_id,
                          timings)
    dataset.load_ledger(system.database_urls["ledger"], settings.taxpayers, dataset_today(), timings)
    return {"method": "bench-only COPY / INSERT ... SELECT into databases built by the services' migrations",
            "taxpayers": settings.taxpayers, "sessions": settings.sessions,
            "rows": dataset.counts(system.database_urls["ledger"]), "seconds": round(time.monotonic() - started, 1),
            "steps_s": timings}


def dataset_today():
    from ledger.clock import today
    return today()


def memory_at_rest(system) -> dict:
    time.sleep(3)
    return measure.resident_sizes(system.process_trees())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Run the benchmark scenarios and write the report.")
    parser.add_argument("--only", type=int, nargs="+", choices=sorted(SCENARIOS), default=sorted(SCENARIOS))
    parser.add_argument("--label", default="", help="added to the results' file names (a partial run)")
    args = parser.parse_args(argv)
    settings = Settings.from_environment()
    settings.stamp += f"-{args.label}" if args.label else ""
    from bench import dashboard, declarations_submit, ledger_import, login_argon2, notifications_fanout, rpc_roundtrip
    modules = {1: rpc_roundtrip, 2: dashboard, 3: ledger_import, 4: notifications_fanout, 5: declarations_submit,
               6: login_argon2}
    order = [n for n in (1, 2, 6, 5, 4, 3) if n in args.only or (n == 2 and 7 in args.only)]
    results = {"started_at": datetime.now(UTC).isoformat(timespec="seconds"), "settings": asdict(settings),
               "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                           "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
               "scenarios": {}}
    for stale in RESULTS.glob(f"{settings.profile_path(0).name.removesuffix('-s0-profile.json')}-s*-profile.*"):
        stale.unlink()  # a profile belongs to the run whose report links it
    started = time.monotonic()
    system = BenchSystem()
    try:
        print(f"starting the system (run {system.run_id}, logs in {system.workdir})", flush=True)
        system.prepare()
        system.start()
        results["dataset"] = load_data(system, settings)
        rest = memory_at_rest(system)
        for number in order:
            result = run_scenario(number, modules[number], system, settings)
            results["scenarios"][str(number)] = result
            profile_missed(number, modules[number], system, settings, result)
            for key in [k for k in result if k.startswith("_")]:
                del result[key]
            if number == 2:  # the baseline's work is done: its memory and connections go back
                system.stop_process("baseline")
        if 7 in args.only:
            under = results["scenarios"].get("2", {}).get("peak_rss_under_load", {})
            results["scenarios"]["7"] = report.memory_result(rest, under, SCENARIOS[7])
    finally:
        try:
            system.stop()
        except Exception:  # the figures are worth more than a clean stop (a restarted PostgreSQL)
            traceback.print_exc()
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_seconds"] = round(time.monotonic() - started, 1)
    paths = report.write(results, RESULTS, settings.stamp + ("-quick" if settings.quick else ""))
    print(f"\nwrote {', '.join(str(p) for p in paths)} in {results['total_seconds']:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
