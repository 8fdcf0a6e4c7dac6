"""`portal-run <service> [<service> ...]`: run services' nameko containers with the shared config.

Configuration comes from `portal_shared.config` (environment variables), so there is one
place for defaults instead of a `config.yml` per service repeating them.
"""
import warnings

warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")  # nameko 2 needs it

import eventlet  # noqa: E402

eventlet.monkey_patch()  # noqa: E402  must precede every other import

import argparse  # noqa: E402
import importlib  # noqa: E402

from nameko.cli.run import run  # noqa: E402

from portal_shared.config import SERVICES, Config  # noqa: E402
from portal_shared.logging import configure_logging  # noqa: E402
from portal_shared.observability import serve_ops_http  # noqa: E402


def service_class(name: str):
    return importlib.import_module(f"{name}.service").Service


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run tax portal services.")
    parser.add_argument("services", nargs="+", choices=SERVICES)
    args = parser.parse_args(argv)
    config = Config()
    configure_logging("+".join(args.services), config.log_level)
    if config.ops_http_port:
        serve_ops_http(config.ops_http_port, config.amqp_uri)
    run([service_class(name) for name in args.services], config.nameko_config())


if __name__ == "__main__":
    main()
