"""`make chaos`: the long soak. For each scenario, kills its services at random moments
(CHAOS_KILLS each, default 20: 60 over the three) while its work flows (registrations and their e-mails, bank
statement imports, declaration submissions with their UPO e-mails), then prints kills, requests,
lost, duplicated and stranded. Exits non-zero when anything was lost or duplicated.
CHAOS_SEED makes a run repeatable; CHAOS_SCENARIOS=ledger,declarations runs only those."""
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from chaos import run  # noqa: E402
from chaos_declarations import DeclarationSubmissionScenario  # noqa: E402
from chaos_ledger import LedgerImportScenario  # noqa: E402
from chaos_registration import RegistrationScenario  # noqa: E402

SCENARIOS = {"registration": RegistrationScenario, "ledger": LedgerImportScenario,
             "declarations": DeclarationSubmissionScenario}


def main() -> int:
    os.environ.setdefault("PORTAL_ENV", "test")
    kills = int(os.environ.get("CHAOS_KILLS", "20"))
    seed = int(os.environ.get("CHAOS_SEED", random.randrange(10**6)))
    # The soak is about kills, not the gateway's per-address limits (every request comes from
    # 127.0.0.1), and its counters stay apart from other runs' in the shared Redis.
    os.environ.setdefault("RATE_LIMITS_ENABLED", "false")
    os.environ.setdefault("REDIS_KEY_PREFIX", f"chaos-{seed}")
    chosen = os.environ.get("CHAOS_SCENARIOS", ",".join(SCENARIOS)).split(",")
    failed = False
    for name, scenario in ((name, SCENARIOS[name]) for name in chosen):
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
