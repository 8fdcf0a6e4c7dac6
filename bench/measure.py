"""What every scenario measures with: open-loop load runs, CPU and memory per service process, py-spy."""
import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import psutil

BIN = Path(sys.executable).parent


def load_run(base_url: str, operations: list, rate: float, duration: float, warmup: float = 2,
             connections: int = 64, timeout: float = 10) -> dict:
    """One fixed-rate run by `bench.loadgen` in a process of its own; returns its summary."""
    spec = {"base_url": base_url, "rate": rate, "duration": duration, "warmup": warmup,
            "connections": connections, "timeout": timeout, "operations": operations}
    done = subprocess.run([sys.executable, "-m", "bench.loadgen"], input=json.dumps(spec), capture_output=True,
                          text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(done.stdout)


def saturation(base_url: str, operations: list, duration: float, workers: int = 16) -> float:
    """Closed-loop completions per second: the scale for a ladder of fixed rates."""
    spec = {"base_url": base_url, "workers": workers, "duration": duration, "operations": operations}
    done = subprocess.run([sys.executable, "-m", "bench.loadgen"], input=json.dumps(spec), capture_output=True,
                          text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    return json.loads(done.stdout)["achieved_rate"]


def sustained(step: dict) -> bool:
    """The server kept up: (almost) every operation answered at the offered rate, without errors."""
    return step["achieved_rate"] >= 0.9 * step["offered_rate"] and step["errors"] <= 0.01 * step["operations"]


def ladder(run_step, rates: list[float], max_p95_ms: float = 2000, max_steps: int = 10) -> list[dict]:
    """Run `run_step(rate)` for rising rates until one is not sustained (or its p95 explodes); past
    the planned rates (the probe underestimated) it goes on by half as much again each step."""
    steps = []
    rates = list(rates)
    while rates and len(steps) < max_steps:
        rate = rates.pop(0)
        step = run_step(rate)
        steps.append(step)
        print(f"    offered {rate:7.1f}/s -> achieved {step['achieved_rate']:7.1f}/s, p50 {step['p50_ms']} ms, "
              f"p95 {step['p95_ms']} ms, errors {step['errors']}", flush=True)
        if not sustained(step) or (step["p95_ms"] or 0) > max_p95_ms:
            break
        if not rates:
            rates.append(round(rate * 1.5, 1))
    return steps


class Usage:
    """CPU seconds and peak resident memory of each program (with its children) while it runs."""

    def __init__(self, system, interval: float = 0.5):
        self.system, self.interval = system, interval
        self.cpu: dict[str, float] = {}
        self.peak_rss: dict[str, int] = {}
        self.busiest_pid: dict[str, int] = {}
        self._stop = threading.Event()

    def __enter__(self):
        self.trees = self.system.process_trees()
        self._start = {name: self._cpu_by_pid(procs) for name, procs in self.trees.items()}
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        for name, procs in self.trees.items():
            now = self._cpu_by_pid(procs)
            used = {pid: now[pid] - self._start[name].get(pid, 0) for pid in now}
            self.cpu[name] = round(sum(used.values()), 2)
            self.busiest_pid[name] = max(used, key=used.get) if used else procs[0].pid

    @staticmethod
    def _cpu_by_pid(procs) -> dict[int, float]:
        found = {}
        for process in procs:
            try:
                times = process.cpu_times()
                found[process.pid] = times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return found

    def _sample(self):
        while not self._stop.wait(self.interval):
            for name, rss in resident_sizes(self.trees).items():
                self.peak_rss[name] = max(rss, self.peak_rss.get(name, 0))

    def bounding(self) -> str:
        """The program that used the most CPU: where a profile should look first."""
        return max(self.cpu, key=self.cpu.get)


def resident_sizes(trees: dict) -> dict[str, int]:
    """Resident bytes per program, its children included (gunicorn's workers share some pages,
    so their sum overstates a little)."""
    sizes = {}
    for name, procs in trees.items():
        total = 0
        for process in procs:
            try:
                total += process.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        sizes[name] = total
    return sizes


@contextmanager
def profiled(pid: int, output: Path, subprocesses: bool = False):
    """py-spy samples `pid` while the block runs and writes a speedscope profile (open it at
    https://www.speedscope.app; None: no py-spy)."""
    py_spy = shutil.which("py-spy") or str(BIN / "py-spy")
    if not Path(py_spy).exists():
        yield None
        return
    command = [py_spy, "record", "--pid", str(pid), "--output", str(output), "--format", "speedscope",
               "--rate", "50", "--nonblocking"] + (["--subprocesses"] if subprocesses else [])
    log = output.with_suffix(".log").open("wb")
    recorder = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    time.sleep(1)  # attached before the load starts
    try:
        yield output
    finally:
        recorder.send_signal(signal.SIGINT)
        try:
            recorder.wait(60)
        except subprocess.TimeoutExpired:
            recorder.kill()
            recorder.wait()
        log.close()
        if output.exists():
            output.with_suffix(".log").unlink()
