"""`make chaos`: the long soak. Kills services at random moments (CHAOS_KILLS, default 60)
while registrations flow through the gateway, then prints kills, requests, lost, duplicated.
Exits non-zero when anything was lost or duplicated. CHAOS_SEED makes a run repeatable."""
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from chaos import run  # noqa: E402
from chaos_registration import RegistrationScenario  # noqa: E402

SCENARIOS = {"registration": RegistrationScenario}  # the lead adds ledger and declarations here


def main() -> int:
    os.environ.setdefault("PORTAL_ENV", "test")
    kills = int(os.environ.get("CHAOS_KILLS", "60"))
    seed = int(os.environ.get("CHAOS_SEED", random.randrange(10**6)))
    failed = False
    for name, scenario in SCENARIOS.items():
        print(f"chaos scenario {name}: {kills} kills, seed {seed}", flush=True)
        report = run(scenario(f"s{seed}"), kills=kills, seed=seed,
                     log=lambda line: print(line, flush=True))
        print(f"chaos {name}: {report.summary()}", flush=True)
        for kind, items in (("lost", report.lost), ("duplicated", report.duplicated),
                            ("stranded", report.stranded)):
            for item in items[:10]:
                print(f"  {kind}: {item}")
        failed |= bool(report.lost or report.duplicated or report.stranded
                       or report.notes.get("errors_5xx") or report.notes.get("bad_responses"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
