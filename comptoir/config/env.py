"""The one place the environment is read (STYLE: settings)."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from comptoir.core.net import LOOPBACK, served_url

# The repository root for an editable install (`make install`); `var/` lives beside it.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def var_dir() -> Path:
    path = Path(env_str("COMPTOIR_VAR_DIR", str(PROJECT_ROOT / "var"))).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def demo_scale() -> str | None:
    """DEMO_SCALE as the shell has it when the demo loads (settings.COMPTOIR_DEMO_SCALE is this
    function, read then, so `DEMO_SCALE=0.05 comptoir demo` needs no restart of anything)."""
    return env_str("DEMO_SCALE")


# The address `comptoir serve` listens on when told nothing (`make run` passes HOST and PORT).
DEFAULT_HOST = LOOPBACK
DEFAULT_PORT = 8000


def served_host() -> str:
    """HOST: the address `comptoir serve` listens on unless --host says otherwise."""
    return env_str("HOST", DEFAULT_HOST)


def served_port() -> int:
    """PORT: the port `comptoir serve` listens on unless --port says otherwise."""
    return env_int("PORT", DEFAULT_PORT)


def public_url() -> str:
    """COMPTOIR_PUBLIC_URL when set; otherwise the address served, from HOST and PORT (`comptoir serve`
    exports COMPTOIR_PUBLIC_URL to its web server and worker, so both write the same links)."""
    return (env_str("COMPTOIR_PUBLIC_URL") or served_url(served_host(), str(served_port()))).rstrip("/")


def env_prefixed(prefix: str) -> dict[str, str]:
    """Every variable named PREFIX<NAME>, as {NAME: value} (e.g. the ANYMAIL_* keys of an email provider)."""
    return {name[len(prefix):]: value for name, value in os.environ.items()
            if name.startswith(prefix) and len(name) > len(prefix) and value != ""}
