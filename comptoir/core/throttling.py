"""Rate limits per client address, kept in the shared cache (Redis when REDIS_URL is set), so every web
process counts the same attempts. Each limit has its own scope: a flood of web-form posts does not use
up an address's sign-in attempts."""

from ninja.throttling import AnonRateThrottle


def address_throttle(scope: str, rate: str) -> AnonRateThrottle:
    return type(f"{scope.title()}Throttle", (AnonRateThrottle,), {"scope": scope})(rate)
