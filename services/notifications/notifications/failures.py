"""How a channel failed: a temporary failure may succeed if tried later, a permanent one won't."""


class DeliveryError(Exception):
    pass


class TemporaryFailure(DeliveryError):
    pass


class PermanentFailure(DeliveryError):
    pass
