"""Private PostgreSQL and RabbitMQ servers for fault tests: killed, stopped and restarted at will
without touching the shared ones colleagues' test runs use.

Each lives in its own temporary directory on free ports and is removed at the end. They need
Debian's `postgresql` (for `initdb`/`pg_ctl`) and `rabbitmq-server` packages. Started as root,
the servers run as the `postgres` and `rabbitmq` users (neither server runs as root).
"""
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from portal_shared.testing import free_port, wait_for_port

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL server binaries are missing: apt-get install postgresql")
    return Path(found[-1]).parent


def _as_user(user: str, command: list[str], env: dict | None = None, **kwargs):
    """Run `command` as `user` when we are root, else as ourselves."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", user, "--", *command]
    return subprocess.run(command, env={**os.environ, **(env or {})}, check=True,
                          capture_output=True, text=True, **kwargs)


def _private_dir(prefix: str, owner: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        account = pwd.getpwnam(owner)
        os.chown(path, account.pw_uid, account.pw_gid)
    return path


class PrivatePostgres:
    """`start()`, `stop()`, `kill()` (SIGKILL of the postmaster), `restart()`, `url(database)`."""

    def __init__(self):
        self.bin = _postgres_bin()
        self.dir = _private_dir("chaos-pg-", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        _as_user("postgres", [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                              "--auth=trust", "--no-sync", "-E", "UTF8"])

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        _as_user("postgres", [str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                              "-l", str(self.dir / "log"), "-w", "-t", "60", "start"])
        wait_for_port(self.port)

    def stop(self, mode: str = "fast") -> None:
        """`fast` closes connections cleanly; `immediate` is a crash (recovery at next start)."""
        _as_user("postgres", [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                              "stop"])

    def restart(self, mode: str = "immediate") -> None:
        self.stop(mode)
        self.start()

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def remove(self) -> None:
        if self.running():
            try:
                self.stop("immediate")
            except subprocess.CalledProcessError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRabbit:
    """A second RabbitMQ node (own name, ports, cookie and data), no plugins: boots in seconds."""

    def __init__(self):
        self.dir = _private_dir("chaos-rmq-", "rabbitmq")
        self.node = f"chaos-{uuid.uuid4().hex[:8]}@localhost"
        self.port = free_port()
        self.dist_port = free_port()
        self.amqp_uri = f"amqp://guest:guest@127.0.0.1:{self.port}/"
        plugins = self.dir / "enabled_plugins"
        plugins.write_text("[].\n")
        os.chmod(plugins, 0o644)
        self.env = {
            "HOME": str(self.dir),  # the node's own Erlang cookie, not the system one
            "RABBITMQ_NODENAME": self.node, "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": str(self.dir / "mnesia"), "RABBITMQ_LOG_BASE": str(self.dir / "log"),
            "RABBITMQ_PID_FILE": str(self.dir / "pid"), "RABBITMQ_ENABLED_PLUGINS_FILE": str(plugins),
            "RABBITMQ_CONFIG_FILE": str(self.dir / "rabbitmq"),  # none: defaults
            "RABBITMQ_ADVANCED_CONFIG_FILE": str(self.dir / "advanced.config"),
        }

    def ctl(self, *args: str, timeout: float = 90) -> str:
        return _as_user("rabbitmq", [str(RABBIT_BIN / "rabbitmqctl"), "-n", self.node, *args],
                        env=self.env, timeout=timeout).stdout

    def start(self) -> None:
        _as_user("rabbitmq", [str(RABBIT_BIN / "rabbitmq-server"), "-detached"], env=self.env,
                 cwd=self.dir)
        self.ctl("wait", "--timeout", "60", str(self.dir / "pid"))
        wait_for_port(self.port, timeout=30)

    def stop(self) -> None:
        self.ctl("stop", str(self.dir / "pid"))

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        pid_file = self.dir / "pid"
        if pid_file.exists():
            try:
                self.stop()
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
                _kill_pid_file(pid_file)
        shutil.rmtree(self.dir, ignore_errors=True)


def _kill_pid_file(pid_file: Path) -> None:
    try:
        os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
    except (ValueError, ProcessLookupError):
        pass
    time.sleep(0.2)
