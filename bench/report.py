"""The benchmark's report: the results as JSON, a Markdown page, and matplotlib plots (PNG)."""
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402

MIB = 1024 * 1024
VERDICT = {True: "met", False: "**missed**", None: "no fixed goal"}


def memory_result(rest: dict, under: dict, title: str) -> dict:
    rows = {name: {"at_rest_mib": round(rest[name] / MIB, 1),
                   "under_scenario_2_mib": round(under[name] / MIB, 1) if name in under else None}
            for name in rest}
    services = {k: v for k, v in rows.items() if k != "baseline"}
    total_rest = sum(r["at_rest_mib"] for r in services.values())
    total_load = sum(r["under_scenario_2_mib"] or 0 for r in services.values())
    return {"title": title, "figures": {"processes": rows, "total_at_rest_mib": round(total_rest, 1),
                                        "total_under_load_mib": round(total_load, 1)},
            "limit": {"baseline_at_rest_mib": rows.get("baseline", {}).get("at_rest_mib")},
            "goal": "report (no fixed figure)", "met": None,
            "summary": f"services and gateway {total_rest:.0f} MiB at rest, {total_load:.0f} MiB peak under "
                       f"scenario 2 (monolith baseline {rows.get('baseline', {}).get('at_rest_mib')} MiB at rest)"}


def plot_ladders(number: str, result: dict, path: Path) -> Path | None:
    ladders = result.get("ladders")
    if not ladders:
        return None
    figure, (throughput, latency) = plt.subplots(1, 2, figsize=(11, 4.2))
    top = 0
    for (name, steps), colour in zip(ladders.items(), ("tab:blue", "tab:orange", "tab:green"), strict=False):
        offered = [s["offered_rate"] for s in steps]
        top = max(top, *offered)
        throughput.plot(offered, [s["achieved_rate"] for s in steps], "o-", color=colour, label=name)
        for percentile, style in (("p50_ms", ":"), ("p95_ms", "-"), ("p99_ms", "--")):
            points = [(s["offered_rate"], s[percentile]) for s in steps if s[percentile] is not None]
            if points:
                latency.plot(*zip(*points, strict=True), style, marker="o", color=colour,
                             label=f"{name} {percentile.removesuffix('_ms')}")
    throughput.plot([0, top], [0, top], color="grey", linewidth=0.8, label="offered = achieved")
    throughput.set(xlabel="offered load (operations/s)", ylabel="achieved throughput (operations/s)",
                   title="throughput")
    latency.set(xlabel="offered load (operations/s)", ylabel="latency from intended start (ms)", yscale="log",
                title="latency percentiles")
    throughput.legend(fontsize=8)
    latency.legend(fontsize=7)
    figure.suptitle(f"Scenario {number}: {result.get('title', '')}")
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path


def plot_memory(result: dict, path: Path) -> Path:
    rows = result["figures"]["processes"]
    names = list(rows)
    figure, axes = plt.subplots(figsize=(9, 3.8))
    positions = range(len(names))
    axes.bar([p - 0.2 for p in positions], [rows[n]["at_rest_mib"] for n in names], 0.4, label="at rest")
    axes.bar([p + 0.2 for p in positions], [rows[n]["under_scenario_2_mib"] or 0 for n in names], 0.4,
             label="peak under scenario 2")
    axes.set_xticks(list(positions), names, rotation=20, fontsize=8)
    axes.set(ylabel="resident MiB (process and its children)", title="Scenario 7: memory")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path


def markdown(results: dict, plots: dict[str, str]) -> str:
    machine, data = results["machine"], results.get("dataset", {})
    lines = [f"# Benchmark {results['started_at']}" + (" (quick smoke run)" if results["settings"]["quick"] else ""),
             "",
             f"{machine['cores']} cores, Python {machine['python']}; load average at start "
             f"{machine['load_average_at_start']}, at end {machine.get('load_average_at_end')} (other engineers' "
             f"work shares this machine). Whole run {results.get('total_seconds', 0):.0f} s.", ""]
    if data:
        rows = ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in data["rows"].items())
        lines += [f"Data set: {data['taxpayers']:,} taxpayers ({rows}) in {data['seconds']} s; {data['method']}.",
                  ""]
    lines += ["| # | scenario | result | limit / goal | verdict |", "|---|---|---|---|---|"]
    for number, result in sorted(results["scenarios"].items()):
        lines.append(f"| {number} | {result.get('title', '')} | {result.get('summary', '')} | "
                     f"{result.get('goal', '')} | {VERDICT[result.get('met')]} |")
    for number, result in sorted(results["scenarios"].items()):
        lines += ["", f"## {number}. {result.get('title', '')}", "", result.get("summary", "")]
        if "error" in result:
            lines += ["", "```", result["error"], "```"]
        for label in ("figures", "limit"):
            if result.get(label):
                lines += ["", f"{label}: `{json.dumps(result[label], ensure_ascii=False)}`"]
        if result.get("cpu_s"):
            busiest = ", ".join(f"{k} {v}" for k, v in sorted(result["cpu_s"].items(), key=lambda kv: -kv[1])[:5])
            lines += ["", f"CPU seconds during the measured part: {busiest}."]
        if number in plots:
            lines += ["", f"![scenario {number}]({plots[number]})"]
        if result.get("profile"):
            lines += ["", f"Profile of {result.get('bounding')} (py-spy, speedscope format: open it at "
                          f"https://www.speedscope.app): [{result['profile']}]({result['profile']})"]
            lines += profile_table(result.get("profile_summary"))
    return "\n".join(lines) + "\n"


def profile_table(summary: dict | None) -> list[str]:
    if not summary or not summary.get("self"):
        return []
    lines = ["", f"Sampled {summary['seconds_sampled']} s (all threads).", "",
             "| self time in | % | inclusive, our own code | % |", "|---|---|---|---|"]
    own = summary.get("own_code_inclusive", [])
    for i, (where, share) in enumerate(summary["self"]):
        mine = f"`{own[i][0]}` | {own[i][1]}" if i < len(own) else " | "
        lines.append(f"| `{where}` | {share} | {mine} |")
    return lines


def write(results: dict, folder: Path, stamp: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    plots = {}
    for number, result in results["scenarios"].items():
        path = folder / f"{stamp}-s{number}.png"
        drawn = plot_memory(result, path) if number == "7" and "figures" in result else plot_ladders(number, result,
                                                                                                        path)
        if drawn:
            plots[number] = path.name
    json_path, md_path = folder / f"{stamp}.json", folder / f"{stamp}.md"
    json_path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n")
    md_path.write_text(markdown(results, plots))
    return [json_path, md_path, *(folder / name for name in plots.values())]


if __name__ == "__main__":  # write the page and plots again from a results file
    import sys

    source = Path(sys.argv[1])
    write(json.loads(source.read_text()), source.parent, source.stem)
