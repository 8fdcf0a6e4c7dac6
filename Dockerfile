# syntax=docker/dockerfile:1
# One image for every process of the portal; the command chooses what runs:
#   portal-run <service> | portal-migrate all | gunicorn (gateway) | python -m notifications.fakes.mailsink
# Wheels are built once in the build stage, pinned by requirements.lock (as constraints, so the
# development tools in the lock stay out of the image); the runtime has no compiler and runs
# as an unprivileged user.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY requirements.lock ./
COPY shared/ shared/
COPY services/ services/
RUN pip wheel --wheel-dir /wheels --constraint requirements.lock \
        ./shared ./services/identity ./services/ledger ./services/declarations \
        ./services/notifications ./services/gateway \
 && mkdir -p /out/services \
 && for service in identity ledger declarations notifications; do \
        mkdir -p "/out/services/$service" \
        && cp -r "services/$service/migrations" "/out/services/$service/migrations"; \
    done

FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORTAL_SERVICES_DIR=/app/services GATEWAY_BIND=0.0.0.0:8000
# Only the wheels built above, pinned by requirements.lock: nothing else can be installed.
# hadolint ignore=DL3013
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links /wheels \
        portal-shared portal-identity portal-ledger portal-declarations \
        portal-notifications portal-gateway \
 && groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --home-dir /app --shell /usr/sbin/nologin portal
COPY --from=build /out/ /app/
WORKDIR /app
USER 10001:10001
EXPOSE 8000 9100
CMD ["gunicorn", "-c", "python:gateway.gunicorn_conf", "gateway.app:create_app()"]
