"""Provider clients, built once per container in `setup()`."""
from nameko.extensions import DependencyProvider

from notifications.email_client import SmtpClient
from portal_shared.config import Config


class Email(DependencyProvider):
    def setup(self):
        self.client = SmtpClient(Config())

    def get_dependency(self, worker_ctx):
        return self.client
