"""Provider clients: the office's UPO keys and the trusted-profile signing service."""
import requests
from nameko.extensions import DependencyProvider

from declarations.trusted_profile import TrustedProfileClient
from declarations.upo import load_office_keys
from portal_shared.config import Config


class OfficeKeys(DependencyProvider):
    """The key that signs UPOs, loaded once per container."""

    def setup(self):
        self.keys = load_office_keys(Config())

    def get_dependency(self, worker_ctx):
        return self.keys


class TrustedProfile(DependencyProvider):
    """One HTTP session (connection pool) per container; the address is read per call, so a
    test can point it at its fake."""

    def setup(self):
        self.session = requests.Session()

    def stop(self):
        self.session.close()

    def get_dependency(self, worker_ctx):
        return TrustedProfileClient(Config().trusted_profile_url, self.session)
