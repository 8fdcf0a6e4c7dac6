#!/usr/bin/env bash
# Makes sure PostgreSQL, RabbitMQ (with its management API, used by the tests to create
# an isolated virtual host per run) and Redis are reachable. Uses running ones; starts local ones that
# are installed but stopped; else starts them with docker compose; else says what to do.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_HOST=${PGHOST:-127.0.0.1}; PG_PORT=${PGPORT:-5432}
REDIS_HOST=${REDIS_HOST:-127.0.0.1}; REDIS_PORT=${REDIS_PORT:-6379}
RMQ_HOST=${RABBIT_HOST:-127.0.0.1}; RMQ_PORT=${RABBIT_PORT:-5672}; RMQ_API_PORT=${RABBIT_API_PORT:-15672}

listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

wait_for() {  # host port what seconds
  for _ in $(seq 1 $(( $4 * 4 ))); do listening "$1" "$2" && return 0; sleep 0.25; done
  echo "error: $3 did not come up on $1:$2" >&2; return 1
}

docker_works() { command -v docker >/dev/null && docker info >/dev/null 2>&1; }

compose_up() {
  echo "starting $1 with docker compose"
  docker compose up -d "$1"
}

# pysaml2 verifies SAML signatures with the xmlsec1 program (trusted profile, identity service).
if ! command -v xmlsec1 >/dev/null; then
  if command -v apt-get >/dev/null; then
    echo "installing xmlsec1"
    apt-get install -y -qq xmlsec1 >/dev/null || { apt-get update -qq && apt-get install -y -qq xmlsec1 >/dev/null; }
  else
    echo "error: xmlsec1 is missing; install it (Debian: apt-get install xmlsec1)" >&2; exit 1
  fi
fi

if ! listening "$PG_HOST" "$PG_PORT"; then
  if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
    echo "starting the local PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  elif docker_works; then compose_up postgres
  else
    echo "error: PostgreSQL is not reachable on $PG_HOST:$PG_PORT. Install it (apt-get install postgresql)" \
         "or Docker, or point *_DATABASE_URL at a running server." >&2; exit 1
  fi
  wait_for "$PG_HOST" "$PG_PORT" PostgreSQL 30
fi

if ! listening "$RMQ_HOST" "$RMQ_PORT"; then
  if command -v rabbitmq-server >/dev/null; then
    echo "starting the local RabbitMQ"
    rabbitmq-server -detached
  elif docker_works; then compose_up rabbitmq
  else
    echo "error: RabbitMQ is not reachable on $RMQ_HOST:$RMQ_PORT. Install it (apt-get install rabbitmq-server)" \
         "or Docker, or point AMQP_URI at a running broker." >&2; exit 1
  fi
  wait_for "$RMQ_HOST" "$RMQ_PORT" RabbitMQ 60
fi

if ! listening "$RMQ_HOST" "$RMQ_API_PORT"; then
  if command -v rabbitmq-plugins >/dev/null; then
    echo "enabling RabbitMQ's management plugin"
    rabbitmq-plugins enable rabbitmq_management >/dev/null
  fi
  wait_for "$RMQ_HOST" "$RMQ_API_PORT" "RabbitMQ management API" 60
fi
# Redis: the gateway's idempotency records and rate-limit counters.
if ! listening "$REDIS_HOST" "$REDIS_PORT"; then
  if command -v redis-server >/dev/null; then
    echo "starting a local Redis"
    redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --daemonize yes >/dev/null
  elif command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
    echo "installing and starting Redis"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --daemonize yes >/dev/null
  elif docker_works; then compose_up redis
  else
    echo "error: Redis is not reachable on $REDIS_HOST:$REDIS_PORT. Install it (apt-get install redis-server)" \
         "or Docker, or point REDIS_URL at a running server." >&2; exit 1
  fi
  wait_for "$REDIS_HOST" "$REDIS_PORT" Redis 30
fi
echo "PostgreSQL, RabbitMQ and Redis are reachable"

# PDFs of forms and UPOs need a Unicode font with Polish letters: DejaVu Sans (Debian fonts-dejavu-core).
FONT=${PDF_FONT_FILE:-/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf}
if [ ! -f "$FONT" ]; then
  if command -v apt-get >/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "installing fonts-dejavu-core (PDF font)"
    $SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null 2>&1 \
      || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq fonts-dejavu-core >/dev/null; }
  else
    echo "error: the PDF font $FONT is missing: install DejaVu Sans or set PDF_FONT_FILE" >&2; exit 1
  fi
fi
