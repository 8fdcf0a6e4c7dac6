"""All configuration comes from environment variables, read here and nowhere else.

Defaults are safe for development on one machine; production must set the secrets and
`PORTAL_ENV=production`, which switches off every development aid.
"""
import os
from dataclasses import dataclass, field

SERVICES = ("identity", "ledger", "declarations", "notifications")
ENVIRONMENTS = ("development", "test", "demo", "production")


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


def database_url(service: str) -> str:
    """Each service owns its database; `<SERVICE>_DATABASE_URL` overrides the default."""
    return env(f"{service.upper()}_DATABASE_URL",
               f"postgresql+psycopg2://postgres@127.0.0.1:5432/portal_{service}")


@dataclass(frozen=True)
class Config:
    environment: str = field(default_factory=lambda: env("PORTAL_ENV", "development"))
    amqp_uri: str = field(default_factory=lambda: env("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
    public_base_url: str = field(default_factory=lambda: env("PUBLIC_BASE_URL", "http://127.0.0.1:8000"))
    secret_key: str = field(default_factory=lambda: env("SECRET_KEY", "dev-only-secret-change-me"))
    log_level: str = field(default_factory=lambda: env("LOG_LEVEL", "INFO"))
    rpc_timeout_seconds: float = field(default_factory=lambda: float(env("RPC_TIMEOUT_SECONDS", "10")))
    max_workers: int = field(default_factory=lambda: env_int("MAX_WORKERS", 10))
    smtp_host: str = field(default_factory=lambda: env("SMTP_HOST", "127.0.0.1"))
    smtp_port: int = field(default_factory=lambda: env_int("SMTP_PORT", 1025))
    smtp_user: str = field(default_factory=lambda: env("SMTP_USER", ""))
    smtp_password: str = field(default_factory=lambda: env("SMTP_PASSWORD", ""))
    smtp_starttls: bool = field(default_factory=lambda: env_bool("SMTP_STARTTLS", False))
    mail_from: str = field(default_factory=lambda: env("MAIL_FROM", "Portal Podatnika <no-reply@portal.example>"))
    # Taxpayers' sessions end after this long without a request, and at the latest this long
    # after sign-in, whatever the activity (identity checks both on every request).
    session_idle_minutes: int = field(default_factory=lambda: env_int("SESSION_IDLE_MINUTES", 30))
    session_absolute_minutes: int = field(default_factory=lambda: env_int("SESSION_ABSOLUTE_MINUTES", 12 * 60))
    mailsink_api_url: str = field(default_factory=lambda: env("MAILSINK_API_URL", "http://127.0.0.1:1080"))

    def __post_init__(self):
        if self.environment not in ENVIRONMENTS:
            raise ValueError(f"PORTAL_ENV must be one of {ENVIRONMENTS}, not {self.environment!r}")
        if self.is_production and self.secret_key.startswith("dev-only"):
            raise ValueError("SECRET_KEY must be set in production")

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def dev_tools_enabled(self) -> bool:
        """Development aids (captured messages, CAPTCHA answers) exist only outside production."""
        return self.environment in ("development", "test")

    @property
    def demo_account_enabled(self) -> bool:
        """The shared demo account (seed 001: demo/demo) exists only in development and demo."""
        return self.environment in ("development", "demo")

    def nameko_config(self) -> dict:
        return {
            "AMQP_URI": self.amqp_uri,
            "max_workers": self.max_workers,
            "serializer": "json",
            "PARENT_CALLS_TRACKED": 10,
        }
