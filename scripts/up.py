"""`make up`: migrate, seed demo data, start every process, and stop them all on Ctrl-C/SIGTERM.

Processes: the SMTP sink, the fake SMS operator and push service, the four nameko services (one
process each) and the gateway under gunicorn. Each runs in its own process group so that nothing outlives this script.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SERVICES = ("identity", "ledger", "declarations", "notifications")


def run_step(*command: str) -> None:
    subprocess.run(command, cwd=ROOT, check=True)


def start(name: str, *command: str, log=None) -> subprocess.Popen:
    """`log`: an open file for the process's output (the benchmark keeps it off the terminal)."""
    print(f"  starting {name}", flush=True)
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=log,
                            stderr=subprocess.STDOUT if log else None)


def start_services(processes: dict[str, subprocess.Popen], log=None) -> None:
    """The nameko services, one process each, and the gateway under gunicorn."""
    for service in SERVICES:
        processes[service] = start(service, str(BIN / "portal-run"), service, log=log)
    processes["gateway"] = start("gateway", str(BIN / "gunicorn"), "-c", "services/gateway/gateway/gunicorn_conf.py",
                                 "gateway.app:create_app()", log=log)


def stop_all(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for name, process in processes.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"  {name} did not stop in time: killing it", flush=True)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main() -> int:
    os.environ.setdefault("PORTAL_ENV", "development")
    print("migrating databases", flush=True)
    run_step(str(BIN / "portal-migrate"), "all")
    print("seeding demo data", flush=True)
    run_step(str(BIN / "python"), "scripts/seed_demo.py")
    processes = {name: start(name, str(BIN / "python"), "-m", f"notifications.fakes.{module}")
                 for name, module in (("mail sink", "mailsink"), ("sms operator", "smsgateway"),
                                      ("push service", "pushservice"))}
    processes["payment operator (fake)"] = start("payment operator (fake)", str(BIN / "python"), "-m",
                                                 "ledger.fakes.przelewy24")
    processes["login node"] = start("fake login node (trusted profile)", str(BIN / "python"), "-m",
                                    "identity.fakes.login_node", "--port", "8090")
    from declarations.fakes.signing_service import dev_keys
    signing_pem, signing_cert = dev_keys()
    os.environ.setdefault("TRUSTED_PROFILE_CERT_FILE", signing_cert)  # the services trust the fake
    processes["trusted profile (fake)"] = start("trusted profile (fake)", str(BIN / "python"), "-m",
                                                "declarations.fakes.signing_service", "--pem", signing_pem)
    start_services(processes)
    stopping = False

    def request_stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print("\nThe portal is running:\n"
          "  API and portal    http://127.0.0.1:8000  (OpenAPI: /api/openapi.json)\n"
          "  captured e-mails, SMS and push  http://127.0.0.1:8000/dev/messages\n"
          "  RabbitMQ console  http://127.0.0.1:15672  (guest/guest)\n"
          "Press Ctrl-C to stop everything.\n", flush=True)
    try:
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with {process.returncode}: stopping everything",
                          flush=True)
                    stopping = True
            time.sleep(0.5)
    finally:
        print("stopping", flush=True)
        stop_all(processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
