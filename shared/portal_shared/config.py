"""All configuration comes from environment variables, read here and nowhere else.

Defaults are safe for development on one machine; production must set the secrets and
`PORTAL_ENV=production`, which switches off every development aid.
"""
import hashlib
import hmac
import os
from dataclasses import dataclass, field
from pathlib import Path

# A development-only VAPID key (raw P-256, base64url); production must set VAPID_PRIVATE_KEY.
DEV_VAPID_PRIVATE_KEY = "T_qm0M6scmW9v48-CqBdK59FvQgPUJz1Oofx59MvWfw"
SERVICES = ("identity", "ledger", "declarations", "notifications")
REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("development", "test", "demo", "production")
REPO_CONTENT_DIR = Path(__file__).resolve().parents[2] / "content"


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


def services_dir() -> Path:
    """Where `services/<name>/migrations` live: the source tree, or `PORTAL_SERVICES_DIR` in an image
    where the packages are installed as wheels."""
    return Path(env("PORTAL_SERVICES_DIR", str(Path(__file__).resolve().parents[2] / "services")))


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
    smtp_ca_file: str = field(default_factory=lambda: env("SMTP_CA_FILE", ""))  # a private CA, if any
    smtp_connections: int = field(default_factory=lambda: env_int("SMTP_CONNECTIONS", 4))  # kept open, at most
    mail_from: str = field(default_factory=lambda: env("MAIL_FROM", "Portal Podatnika <no-reply@portal.example>"))
    # Taxpayers' sessions end after this long without a request, and at the latest this long
    # after sign-in, whatever the activity (identity checks both on every request).
    session_idle_minutes: int = field(default_factory=lambda: env_int("SESSION_IDLE_MINUTES", 30))
    session_absolute_minutes: int = field(default_factory=lambda: env_int("SESSION_ABSOLUTE_MINUTES", 12 * 60))
    mailsink_api_url: str = field(default_factory=lambda: env("MAILSINK_API_URL", "http://127.0.0.1:1080"))
    # Trusted profile: the national login node's SAML metadata (the local fake in development).
    login_node_metadata_url: str = field(default_factory=lambda: env(
        "LOGIN_NODE_METADATA_URL", "http://127.0.0.1:8090/metadata"))
    saml_sp_entity_id: str = field(default_factory=lambda: env("SAML_SP_ENTITY_ID", ""))
    # Qualified signatures: PEM bundle of trusted CA certificates (the national trust list's).
    qes_trust_anchors_file: str = field(default_factory=lambda: env("QES_TRUST_ANCHORS_FILE", ""))
    # Ledger: the office's bank account range for individual account numbers, the transfer
    # recipient shown in QR codes, and after how many days an overdue installment gets a reminder.
    ledger_bank_sort_code: str = field(default_factory=lambda: env("LEDGER_BANK_SORT_CODE", "10205356"))
    ledger_office_prefix: str = field(default_factory=lambda: env("LEDGER_OFFICE_PREFIX", "7001"))
    ledger_office_name: str = field(default_factory=lambda: env("LEDGER_OFFICE_NAME", "Urzad Miasta"))
    ledger_office_nip: str = field(default_factory=lambda: env("LEDGER_OFFICE_NIP", "6761013717"))
    ledger_reminder_after_days: int = field(default_factory=lambda: env_int("LEDGER_REMINDER_AFTER_DAYS", 7))
    # Pay-by-link operator (Przelewy24 REST API v1); the defaults point at the local fake.
    p24_base_url: str = field(default_factory=lambda: env("P24_BASE_URL", "http://127.0.0.1:8024"))
    p24_merchant_id: int = field(default_factory=lambda: env_int("P24_MERCHANT_ID", 100001))
    p24_pos_id: int = field(default_factory=lambda: env_int("P24_POS_ID", 100001))
    p24_api_key: str = field(default_factory=lambda: env("P24_API_KEY", "dev-only-p24-api-key"))
    p24_crc: str = field(default_factory=lambda: env("P24_CRC", "dev-only-p24-crc"))
    # Notifications: SMS operator (SMSAPI.pl REST protocol), Web Push (VAPID), delivery policy.
    sms_api_url: str = field(default_factory=lambda: env("SMS_API_URL", "http://127.0.0.1:1090"))
    sms_api_token: str = field(default_factory=lambda: env("SMS_API_TOKEN", "dev-sms-token"))
    sms_sender: str = field(default_factory=lambda: env("SMS_SENDER", "PortalPod"))
    sms_callback_url: str = field(default_factory=lambda: env("SMS_CALLBACK_URL", ""))  # default: gateway's
    vapid_private_key: str = field(default_factory=lambda: env("VAPID_PRIVATE_KEY", DEV_VAPID_PRIVATE_KEY))
    vapid_subject: str = field(default_factory=lambda: env("VAPID_SUBJECT", "mailto:powiadomienia@portal.example"))
    notify_retry_delays_ms: tuple[int, ...] = field(default_factory=lambda: tuple(
        int(ms) for ms in env("NOTIFY_RETRY_DELAYS_MS", "30000,120000,600000,1800000,7200000").split(",")))
    notify_codes_per_hour: int = field(default_factory=lambda: env_int("NOTIFY_CODES_PER_HOUR", 5))
    # The sweep that hands the senders what no queue will bring back: queued messages whose
    # publish was lost, and sends interrupted by a crash (resent: at least once, same Message-ID).
    notify_sweep_seconds: int = field(default_factory=lambda: env_int("NOTIFY_SWEEP_SECONDS", 30))
    notify_requeue_after_seconds: int = field(default_factory=lambda: env_int("NOTIFY_REQUEUE_AFTER_SECONDS", 60))
    notify_resend_after_seconds: int = field(default_factory=lambda: env_int("NOTIFY_RESEND_AFTER_SECONDS", 600))
    reminder_days_before: tuple[int, ...] = field(default_factory=lambda: tuple(
        int(days) for days in env("REMINDER_DAYS_BEFORE", "7,1").split(",")))
    reminder_check_seconds: int = field(default_factory=lambda: env_int("REMINDER_CHECK_SECONDS", 300))
    push_fake_api_url: str = field(default_factory=lambda: env("PUSH_FAKE_API_URL", "http://127.0.0.1:1091"))
    # declarations: the receiving office, its UPO key, signature trust, attachments, drafts
    office_name: str = field(default_factory=lambda: env(
        "OFFICE_NAME", "Urząd Miasta Krakowa, Wydział Podatków i Opłat"))
    office_code: str = field(default_factory=lambda: env("OFFICE_CODE", "UMK"))
    upo_signing_key_file: str = field(default_factory=lambda: env("UPO_SIGNING_KEY_FILE", ""))
    upo_signing_cert_file: str = field(default_factory=lambda: env("UPO_SIGNING_CERT_FILE", ""))
    qualified_trust_anchors_file: str = field(default_factory=lambda: env("QUALIFIED_TRUST_ANCHORS_FILE", ""))
    trusted_profile_url: str = field(default_factory=lambda: env("TRUSTED_PROFILE_URL", "http://127.0.0.1:8091"))
    trusted_profile_cert_file: str = field(default_factory=lambda: env("TRUSTED_PROFILE_CERT_FILE", ""))
    attachment_max_bytes: int = field(default_factory=lambda: env_int("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024))
    pdf_font_file: str = field(default_factory=lambda: env(
        "PDF_FONT_FILE", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))  # Debian fonts-dejavu-core
    draft_ttl_days: int = field(default_factory=lambda: env_int("DRAFT_TTL_DAYS", 30))
    # The gateway's own state: idempotency records and rate-limit counters (keys under the prefix).
    redis_url: str = field(default_factory=lambda: env("REDIS_URL", "redis://127.0.0.1:6379/0"))
    redis_key_prefix: str = field(default_factory=lambda: env("REDIS_KEY_PREFIX", "portal"))
    rate_limits_enabled: bool = field(default_factory=lambda: env_bool("RATE_LIMITS_ENABLED", True))
    # How many reverse proxies in front of the gateway set X-Forwarded-For (0: none, use the peer).
    trusted_proxies: int = field(default_factory=lambda: env_int("TRUSTED_PROXIES", 0))
    # The office's editable content (FAQ, articles, legal acts, forms, rates).
    content_dir: str = field(default_factory=lambda: env("CONTENT_DIR", str(REPO_CONTENT_DIR)))
    # Shared with the telephony platform: it signs the voicebot's webhook requests with it.
    ivr_webhook_secret: str = field(default_factory=lambda: env("IVR_WEBHOOK_SECRET", "dev-only-ivr-secret"))
    # The FAQ and "ABC of taxes" Markdown files the portal shows and the chatbot answers from.
    knowledge_base_dir: Path = field(default_factory=lambda: Path(
        env("KNOWLEDGE_BASE_DIR", str(REPOSITORY_ROOT / "content"))))
    # "quorum" on a clustered broker (replicated queues); "classic" for one local broker.
    amqp_queue_type: str = field(default_factory=lambda: env("AMQP_QUEUE_TYPE", "classic"))
    # The process's own HTTP port for /metrics, /livez and /readyz (0: none, as in tests).
    ops_http_port: int = field(default_factory=lambda: env_int("OPS_HTTP_PORT", 0))

    def __post_init__(self):
        if self.environment not in ENVIRONMENTS:
            raise ValueError(f"PORTAL_ENV must be one of {ENVIRONMENTS}, not {self.environment!r}")
        if self.amqp_queue_type not in ("classic", "quorum"):
            raise ValueError(f"AMQP_QUEUE_TYPE must be classic or quorum, not {self.amqp_queue_type!r}")
        if self.is_production and self.secret_key.startswith("dev-only"):
            raise ValueError("SECRET_KEY must be set in production")
        if self.is_production and (self.p24_crc.startswith("dev-only") or self.p24_api_key.startswith("dev-only")):
            raise ValueError("P24_CRC and P24_API_KEY must be set in production")
        if self.is_production and self.vapid_private_key == DEV_VAPID_PRIVATE_KEY:
            raise ValueError("VAPID_PRIVATE_KEY must be set in production")
        if self.is_production and self.ivr_webhook_secret.startswith("dev-only"):
            raise ValueError("IVR_WEBHOOK_SECRET must be set in production")

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

    @property
    def sms_callback_token(self) -> str:
        """The secret in the SMS operator's callback URL (the operator signs nothing)."""
        return hmac.new(self.secret_key.encode(), b"sms-delivery-callback", hashlib.sha256).hexdigest()[:32]

    @property
    def sms_notify_url(self) -> str:
        base = self.sms_callback_url or f"{self.public_base_url}/api/v1/callbacks/sms"
        return f"{base}?token={self.sms_callback_token}"

    def nameko_config(self) -> dict:
        return {
            "AMQP_URI": self.amqp_uri,
            "max_workers": self.max_workers,
            "serializer": "json",
            "PARENT_CALLS_TRACKED": 10,
            "QUEUE_TYPE": self.amqp_queue_type,
        }
