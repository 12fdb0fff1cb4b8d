"""What apps above quotes do when a customer accepts a variant online, without quotes importing them:
messaging files the acceptance in the salesperson's inbox. Each app registers its listener when Django
starts (its AppConfig.ready()), as leads.conversion and core.cards do.

A listener is `listener(*, variant, opportunity, salesperson) -> None`, called inside the acceptance's
transaction (a listener that raises undoes the acceptance): `variant` is the accepted QuoteVariant with
its signature, `opportunity` the deal as the acceptance left it (won when its pipeline says so),
`salesperson` the user told (the deal's salesperson, else whoever made the quote)."""

from collections.abc import Callable

_ACCEPTED_ONLINE: list[Callable[..., None]] = []


def on_accepted_online(listener: Callable[..., None]) -> Callable[..., None]:
    if listener not in _ACCEPTED_ONLINE:
        _ACCEPTED_ONLINE.append(listener)
    return listener


def accepted_online_notify(*, variant, opportunity, salesperson) -> None:
    for listener in _ACCEPTED_ONLINE:
        listener(variant=variant, opportunity=opportunity, salesperson=salesperson)
