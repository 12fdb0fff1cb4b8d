"""The address a request comes from, as a record of it should say (a customer's online signature).

Behind a proxy, REMOTE_ADDR is the proxy's. The proxies Comptoir trusts are the ones `comptoir serve`
lets set X-Forwarded-* headers: COMPTOIR_FORWARDED_ALLOW_IPS (FORWARDED_ALLOW_IPS, comma-separated
addresses or networks, « * » for any). From a trusted peer, X-Forwarded-For is read from the right:
each hop a trusted proxy added is passed over, the first address no trusted proxy stands for is the
client. From any other peer the header is ignored: anyone can write one."""

import ipaddress

from django.conf import settings


def _trusted() -> list:
    entries = [entry.strip() for entry in settings.COMPTOIR_FORWARDED_ALLOW_IPS.split(",") if entry.strip()]
    if "*" in entries:
        return ["*"]
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return networks


def _address(text: str):
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's IP address, or None when the request carries no readable one."""
    trusted = _trusted()

    def is_trusted(address) -> bool:
        return trusted == ["*"] or any(address in network for network in trusted)

    address = _address(request.META.get("REMOTE_ADDR", ""))
    if address is None:
        return None
    if is_trusted(address):
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            forwarded = _address(hop)
            if forwarded is None:
                break
            address = forwarded
            if not is_trusted(forwarded):
                break
    return str(address)
