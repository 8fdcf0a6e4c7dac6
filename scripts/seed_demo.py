"""Demo data for `make up`: each service package that offers `<service>.demo.seed()` seeds its
own data through its own code (nobody writes another service's tables). Refused in production."""
import importlib
import sys

from portal_shared.config import SERVICES, Config


def main() -> int:
    config = Config()
    if config.is_production:
        print("demo data is never seeded in production", file=sys.stderr)
        return 1
    for service in SERVICES:
        try:
            demo = importlib.import_module(f"{service}.demo")
        except ModuleNotFoundError:
            continue
        demo.seed()
        print(f"  demo data seeded: {service}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
