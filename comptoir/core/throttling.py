"""Rate limits per client address, kept in the shared cache (Redis when REDIS_URL is set), so every web
process counts the same attempts. Each limit has its own scope: a flood of web-form posts does not use
up an address's sign-in attempts."""

from ninja.throttling import AnonRateThrottle

from comptoir.core.addresses import client_ip


class AddressThrottle(AnonRateThrottle):
    """Counts by the client's address as core.addresses reads it: X-Forwarded-For only from the proxies
    Comptoir trusts. (Ninja's own reading takes the header whatever sent it, so a client writing a new
    one each time would never be limited.)"""

    def get_ident(self, request) -> str | None:
        return client_ip(request) or request.META.get("REMOTE_ADDR")


def address_throttle(scope: str, rate: str) -> AnonRateThrottle:
    return type(f"{scope.title()}Throttle", (AddressThrottle,), {"scope": scope})(rate)
