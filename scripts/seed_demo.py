"""Demo data for `make up` in development and demo configurations; refused in production.

Each service package that offers `<service>.demo.seed()` seeds its own data through its own
code (nobody writes another service's tables). identity comes first (`SERVICES` order) and
creates the demo taxpayer (seed 001: `demo` / `demo`); the others find who that is in
`portal_shared.contracts.identity.DEMO_TAXPAYER`. Every seed must be idempotent: this runs at
every `make up`.
"""
import importlib
import sys

from portal_shared.config import SERVICES, Config


def main() -> int:
    config = Config()
    if config.is_production:
        print("demo data is never seeded in production", file=sys.stderr)
        return 1
    if not config.demo_account_enabled:
        print(f"no demo data when PORTAL_ENV={config.environment}", file=sys.stderr)
        return 0
    for service in SERVICES:
        try:
            demo = importlib.import_module(f"{service}.demo")
        except ModuleNotFoundError as missing:
            if missing.name != f"{service}.demo":
                raise  # a demo module that fails to import is a bug, not an absence
            continue
        demo.seed()
        print(f"  demo data seeded: {service}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
