"""The dealership's customers as a random but repeatable crowd: Québec names, addresses of the region,
phone numbers of its area codes (real exchanges, never 555) and the email domains people there use.
Every draw comes from the one seeded `random.Random` the demo passes along."""

import random
import unicodedata
from dataclasses import dataclass, field

from comptoir.catalog.vin import vin_check_digit
from comptoir.demo.services import data

YEAR_CODES = dict(zip(range(2010, 2031), "ABCDEFGHJKLMNPRSTVWXY"))
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
MONTH_LETTERS = "ABCDEFGHIJKL"


def weighted(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def ascii_lower(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@dataclass
class Person:
    first_name: str
    last_name: str
    address_line1: str
    city: str
    postal_code: str
    phones: list[dict] = field(default_factory=list)
    email: str = ""

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Crowd:
    """Draws people who are all different: no two share a phone number or an email address (each
    would be a sure duplicate on the customer's card)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.phones: set[str] = set()
        self.emails: set[str] = set()

    def surname(self) -> str:
        rng = self.rng
        if rng.random() < 0.03:
            return rng.choice(data.OTHER_SURNAMES)
        name = rng.choice(data.SURNAMES)
        if rng.random() < 0.07:  # a compound name: Côté-Tremblay
            other = rng.choice(data.SURNAMES)
            if other != name and "-" not in name + other:
                name = f"{name}-{other}"
        return name

    def phone(self, location: str, style: int | None = None) -> str:
        rng = self.rng
        while True:
            area = weighted(rng, data.AREA_CODES[location])
            exchange = rng.choice(data.EXCHANGES[area])
            line = f"{rng.randrange(10_000):04d}"
            if area + exchange + line not in self.phones:
                self.phones.add(area + exchange + line)
                break
        # As people type them: the way the salesperson heard it.
        style = rng.choice((0, 0, 0, 1, 1, 2, 3, 4)) if style is None else style
        return (f"{area} {exchange}-{line}", f"({area}) {exchange}-{line}", f"{area}-{exchange}-{line}",
                f"{area}{exchange}{line}", f"+1 {area} {exchange} {line}")[style]

    def email(self, first_name: str, last_name: str, birth_year: int) -> str:
        rng = self.rng
        first, last = ascii_lower(first_name).replace(" ", ""), ascii_lower(last_name).replace(" ", "")
        last = last.replace("'", "")
        for attempt in range(20):
            local = rng.choice((
                f"{first}.{last}", f"{first[0]}{last}", f"{first}{last}", f"{first}_{last}",
                f"{last}.{first}", f"{first}.{last}{birth_year % 100:02d}", f"{first[0]}{last}{birth_year}",
                f"{first}{rng.randrange(1, 99)}",
            ))
            if attempt > 3:
                local += str(rng.randrange(2, 999))
            address = f"{local}@{weighted(rng, data.EMAIL_DOMAINS)}"
            if address not in self.emails:
                self.emails.add(address)
                return address
        raise RuntimeError("no free address")  # pragma: no cover — twenty draws always find one

    def person(self, location: str, *, email: bool = True) -> Person:
        rng = self.rng
        man = rng.random() < 0.72  # powersports buyers are mostly men; their spouses sign too
        first_name = rng.choice(data.MEN if man else data.WOMEN)
        last_name = self.surname()
        city, prefixes, _weight = rng.choices(data.CITIES[location], weights=[c[2] for c in data.CITIES[location]])[0]
        postal = f"{rng.choice(prefixes)} {rng.randrange(10)}{rng.choice('ABCEGHJKLMNPRSTVWXYZ')}{rng.randrange(10)}"
        number = rng.choice((rng.randrange(10, 999), rng.randrange(100, 3999), rng.randrange(1000, 19999)))
        person = Person(first_name=first_name, last_name=last_name, city=city, postal_code=postal,
                        address_line1=f"{number}, {rng.choice(data.STREETS)}")
        person.phones = [{"kind": "mobile", "number": self.phone(location)}]
        if rng.random() < 0.22:
            person.phones.append({"kind": rng.choice(("home", "work")), "number": self.phone(location)})
        if email:
            person.email = self.email(first_name, last_name, rng.randrange(1950, 2005))
        return person


# --- Serial numbers --------------------------------------------------------------------------------

def vin(rng: random.Random, wmi: str, vds: str, year: int, serials: set[str]) -> str:
    """A serial as the make writes it: a 17-character VIN with its check digit (49 CFR 565, computed
    for every make so each one passes), or a watercraft's 12-character hull number."""
    while True:
        if not vds:  # hull identification number: maker, serial, month and year built, model year
            built = year - 1 if rng.random() < 0.7 else year
            serial = (f"{wmi}{''.join(rng.choice(VIN_CHARS[:-10]) for _ in range(2))}{rng.randrange(1000):03d}"
                      f"{rng.choice(MONTH_LETTERS[6:])}{built % 10}{year % 100:02d}")
        else:
            body = f"{wmi}{vds}0{YEAR_CODES[year]}{rng.choice('ABCKMNTZ')}{rng.randrange(10 ** 6):06d}"
            serial = body[:8] + vin_check_digit(body) + body[9:]
        if serial not in serials:
            serials.add(serial)
            return serial
