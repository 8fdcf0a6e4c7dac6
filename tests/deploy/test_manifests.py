"""The deployment, checked offline: every rendered manifest against the Kubernetes schemas,
compose against the compose specification, and the rules a devops review would check by hand."""
import json
import re
from importlib import resources

import jsonschema
import kubernetes_validate
import pytest
from rendering import OVERLAYS, ROOT

KUBERNETES_VERSION = "1.33"
# Operators' resources: kubernetes-validate has no schemas for them and none is vendored here;
# test_operator_resources_refer_to_what_exists checks what they point at instead.
OPERATOR_KINDS = {
    ("rabbitmq.com/v1beta1", "RabbitmqCluster"),
    ("postgresql.cnpg.io/v1", "Cluster"),
    ("postgresql.cnpg.io/v1", "Database"),
    ("keda.sh/v1alpha1", "ScaledObject"),
    ("keda.sh/v1alpha1", "TriggerAuthentication"),
}
WORKLOADS = ("identity", "ledger", "declarations", "notifications", "gateway")


def of_kind(resources_: list[dict], kind: str) -> dict[str, dict]:
    return {r["metadata"]["name"]: r for r in resources_ if r["kind"] == kind}


def container(deployment: dict) -> dict:
    [only] = deployment["spec"]["template"]["spec"]["containers"]
    return only


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_manifest_is_valid_against_the_kubernetes_schemas(rendered, overlay):
    for resource in rendered[overlay]:
        if (resource["apiVersion"], resource["kind"]) in OPERATOR_KINDS:
            continue
        # strict: an unknown or misspelt field fails as well
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_operator_resources_refer_to_what_exists(rendered, overlay):
    found = rendered[overlay]
    deployments = of_kind(found, "Deployment")
    [postgres] = of_kind(found, "Cluster").values()
    roles = {role["name"] for role in postgres["spec"]["managed"]["roles"]}
    databases = of_kind(found, "Database").values()
    assert {d["spec"]["name"] for d in databases} == {f"portal_{s}" for s in WORKLOADS[:4]}
    assert all(d["spec"]["cluster"]["name"] == postgres["metadata"]["name"] and d["spec"]["owner"] in roles
               for d in databases)
    assert "portal-rabbitmq" in of_kind(found, "RabbitmqCluster")
    auths = of_kind(found, "TriggerAuthentication")
    for scaled in of_kind(found, "ScaledObject").values():
        assert scaled["spec"]["scaleTargetRef"]["name"] in deployments
        for trigger in scaled["spec"]["triggers"]:
            if trigger["type"] == "rabbitmq":
                assert trigger["authenticationRef"]["name"] in auths


def test_every_compose_service_has_manifests(rendered, compose):
    by_compose_name = {"postgres": ("Cluster", "portal-postgres"),
                       "rabbitmq": ("RabbitmqCluster", "portal-rabbitmq"),
                       "migrate": ("Job", "portal-migrate")}
    for overlay in OVERLAYS:
        names = {(r["kind"], r["metadata"]["name"]) for r in rendered[overlay]}
        for service in compose["services"]:
            if service == "mailsink" and overlay == "prod":
                continue  # production sends through a real SMTP relay
            assert by_compose_name.get(service, ("Deployment", service)) in names, (overlay, service)
    # and each process runs what it runs in compose
    deployments = of_kind(rendered["dev"], "Deployment")
    for name in WORKLOADS + ("mailsink",):
        assert container(deployments[name])["args"] == compose["services"][name]["command"], name
    [job] = of_kind(rendered["dev"], "Job").values()
    assert job["spec"]["template"]["spec"]["containers"][0]["args"] == compose["services"]["migrate"]["command"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_workload_is_probed_limited_disrupted_gently_and_autoscaled(rendered, overlay):
    found = rendered[overlay]
    deployments = of_kind(found, "Deployment")
    budgets = {b["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"]
               for b in of_kind(found, "PodDisruptionBudget").values()}
    scaled = {h["spec"]["scaleTargetRef"]["name"] for h in of_kind(found, "HorizontalPodAutoscaler").values()}
    scaled |= {s["spec"]["scaleTargetRef"]["name"] for s in of_kind(found, "ScaledObject").values()}
    for name in WORKLOADS:
        spec = container(deployments[name])
        assert spec["readinessProbe"]["httpGet"]["path"] == "/readyz", name
        assert spec["livenessProbe"]["httpGet"]["path"] in ("/livez", "/healthz"), name
        assert set(spec["resources"]) == {"requests", "limits"}, name
        assert deployments[name]["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
        assert name in budgets and name in scaled, name
    # the nameko services scale on queue depth in production
    if overlay == "prod":
        assert set(of_kind(found, "ScaledObject")) == set(WORKLOADS[:4])


def test_images_are_immutable(rendered):
    for overlay, pattern in (("prod", r"@sha256:[0-9a-f]{64}$"), ("dev", r":\d+\.\d+\.\d+$")):
        for resource in rendered[overlay]:
            if resource["kind"] in ("Deployment", "Job"):
                for spec in resource["spec"]["template"]["spec"]["containers"]:
                    assert re.search(pattern, spec["image"]), (overlay, resource["metadata"]["name"], spec["image"])


def test_no_secret_value_is_kept_in_the_repository(rendered):
    for overlay in OVERLAYS:
        assert not of_kind(rendered[overlay], "Secret")
        for resource in rendered[overlay]:
            for key in ("SECRET_KEY", "SMTP_PASSWORD", "AMQP_URI"):
                assert key not in resource.get("data", {}), (overlay, resource["metadata"]["name"])


def test_only_the_gateway_is_reachable_from_outside(rendered):
    for overlay in OVERLAYS:
        found = rendered[overlay]
        policies = of_kind(found, "NetworkPolicy")
        assert policies["default-deny"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        [ingress] = of_kind(found, "Ingress").values()
        assert ingress["spec"]["tls"]
        backends = {path["backend"]["service"]["name"]
                    for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]}
        assert backends == {"gateway"}
        assert all(s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in of_kind(found, "Service").values())
        from_ingress_controller = [
            name for name, policy in policies.items() for rule in policy["spec"].get("ingress", [])
            for peer in rule.get("from", [])
            if peer.get("namespaceSelector", {}).get("matchLabels", {}).get(
                "kubernetes.io/metadata.name") == "ingress-nginx"]
        assert from_ingress_controller == ["gateway"]


def configured_names() -> set[str]:
    """Every environment variable the code reads (config.py, plus gunicorn's and prometheus')."""
    source = (ROOT / "shared/portal_shared/config.py").read_text()
    names = set(re.findall(r'env(?:_int|_bool)?\("([A-Z_]+)"', source))
    names |= {f"{service.upper()}_DATABASE_URL" for service in WORKLOADS[:4]}
    return names | {"GATEWAY_BIND", "GUNICORN_WORKERS", "GUNICORN_THREADS", "PROMETHEUS_MULTIPROC_DIR"}


def test_compose_and_kubernetes_use_the_configs_variable_names(rendered, compose):
    known = configured_names()
    for service in compose["services"].values():
        if "build" in service:  # the portal's own image (postgres and rabbitmq have theirs)
            assert set(service.get("environment", {})) <= known
    for overlay in OVERLAYS:
        for config_map in of_kind(rendered[overlay], "ConfigMap").values():
            assert set(config_map["data"]) <= known, overlay
        for resource in rendered[overlay]:
            if resource["kind"] in ("Deployment", "Job"):
                for spec in resource["spec"]["template"]["spec"]["containers"]:
                    assert {env["name"] for env in spec.get("env", [])} <= known


def test_compose_file_follows_the_compose_specification(compose):
    schema_file = resources.files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json")
    jsonschema.validate(compose, json.loads(schema_file.read_text()))
    assert compose["services"]["migrate"]["restart"] == "no"
    for name in WORKLOADS:
        assert compose["services"][name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_the_dashboard_plots_only_metrics_the_code_exports():
    dashboard = json.loads((ROOT / "deploy/grafana/portal-dashboard.json").read_text())
    plotted = {name for panel in dashboard["panels"] for target in panel["targets"]
               for name in re.findall(r"\b(portal_[a-z_]+?)(?:_bucket)?\b[{\[)]", target["expr"])}
    exported = "".join((ROOT / path).read_text() for path in (
        "shared/portal_shared/observability.py", "services/gateway/gateway/metrics.py"))
    assert plotted and all(f'"{name}"' in exported for name in plotted), plotted
    assert len({panel["id"] for panel in dashboard["panels"]}) == len(dashboard["panels"])


def declared_queues(service: str) -> set[str]:
    """The queues a service's nameko entrypoints consume (as nameko names them)."""
    from nameko.events import EventHandler
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

    from portal_shared.runner import service_class

    queues = {f"rpc-{service}"}
    for name, method in vars(service_class(service)).items():
        for entrypoint in getattr(method, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if isinstance(entrypoint, EventHandler):
                queues.add(f"evt-{entrypoint.source_service}-{entrypoint.event_type}--{service}.{name}")
    return queues


def test_queue_depth_autoscaling_watches_queues_the_services_consume(rendered):
    for scaled in of_kind(rendered["prod"], "ScaledObject").values():
        service = scaled["spec"]["scaleTargetRef"]["name"]
        for trigger in scaled["spec"]["triggers"]:
            if trigger["type"] == "rabbitmq":
                assert trigger["metadata"]["queueName"] in declared_queues(service), service


def test_every_process_runs_a_command_the_image_has_as_a_non_root_user(compose):
    import tomllib

    from portal_shared.config import SERVICES

    scripts = tomllib.loads((ROOT / "shared/pyproject.toml").read_text())["project"]["scripts"]
    gateway_deps = tomllib.loads((ROOT / "services/gateway/pyproject.toml").read_text())["project"]["dependencies"]
    available = {*scripts, "python"} | ({"gunicorn"} if any(d.startswith("gunicorn") for d in gateway_deps) else set())
    for name, service in compose["services"].items():
        if "build" in service:
            command = service["command"]
            assert command[0] in available, name
            if command[0] == "portal-run":
                assert set(command[1:]) <= set(SERVICES), name
    dockerfile = (ROOT / "Dockerfile").read_text()
    [user] = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert user.split(":")[0] not in ("0", "root")
