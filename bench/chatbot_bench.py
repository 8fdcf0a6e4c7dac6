"""Chatbot speed and memory: index build time, reply latency, resident memory of the process.

    .venv/bin/python bench/chatbot_bench.py
"""
import statistics
import time
from pathlib import Path

import yaml

from gateway.chatbot import Chatbot
from portal_shared.config import Config

QUESTIONS = Path(__file__).resolve().parents[1] / "services/gateway/tests/chatbot_eval.yaml"


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    started = time.perf_counter()
    bot = Chatbot(Config().knowledge_base_dir)
    bot.languages()
    print(f"index build: {time.perf_counter() - started:.1f} s, resident {resident_mb():.0f} MB")
    questions = [q["q"] for q in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))["questions"]]
    timings = []
    for _ in range(5):
        for question in questions:
            began = time.perf_counter()
            bot.reply(question)
            timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    print(f"reply: {len(timings)} replies, median {statistics.median(timings):.1f} ms, "
          f"p95 {timings[int(len(timings) * 0.95)]:.1f} ms, max {timings[-1]:.1f} ms; "
          f"resident {resident_mb():.0f} MB")


if __name__ == "__main__":
    main()
