"""What follows a converted lead to its customer and opportunity, from the apps above leads: their
tasks (activities), their messages (messaging). Each app registers its follower when Django starts
(its AppConfig.ready()), so leads moves nobody else's rows and imports no app above it.

A follower is `follower(*, actor, lead, customer, opportunity) -> dict[str, int]`: it moves its own
rows with its own services and answers how many it moved, by kind ({"tasks": 2}); lead_convert
records the counts on the timeline. Called inside the conversion's transaction."""

from collections.abc import Callable

_FOLLOWERS: list[Callable[..., dict]] = []


def lead_follower(follower: Callable[..., dict]) -> Callable[..., dict]:
    if follower not in _FOLLOWERS:
        _FOLLOWERS.append(follower)
    return follower


def followers_run(*, actor, lead, customer, opportunity) -> dict[str, int]:
    moved: dict[str, int] = {}
    for follower in _FOLLOWERS:
        for kind, count in follower(actor=actor, lead=lead, customer=customer, opportunity=opportunity).items():
            moved[kind] = moved.get(kind, 0) + count
    return moved
