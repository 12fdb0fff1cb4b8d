"""Text normalisation for search and duplicate detection: accent-, case- and punctuation-blind."""

import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_NOT_DIGIT = re.compile(r"\D+")


def unaccent(value: str) -> str:
    value = value or ""
    if value.isascii():
        return value  # nothing to strip: the common case of an import's million rows
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(value: str | None) -> str:
    """'  Marie-Ève  TREMBLAY ' → 'marie eve tremblay'."""
    return _NOT_ALNUM.sub(" ", unaccent((value or "").lower())).strip()


def words(value: str | None) -> list[str]:
    return normalize(value).split()


def digits(value: str | None) -> str:
    return _NOT_DIGIT.sub("", value or "")


MAX_CODE_POINT = 0x10FFFF


def prefix_upper_bound(prefix: str) -> str | None:
    """The smallest string greater than every string starting with `prefix` (for range scans),
    or None when there is none (the prefix is only the last code point).

    `x >= prefix AND x < bound` is a prefix search every database answers from a plain
    B-tree index, unlike LIKE 'prefix%' (collation-dependent) or '%suffix'.
    """
    stem = prefix.rstrip(chr(MAX_CODE_POINT))
    if not stem:
        return None
    return stem[:-1] + chr(ord(stem[-1]) + 1)


def is_small_id(value) -> bool:
    """ASCII digits that fit a database id (a bigint): '²' or 25 nines are not ids."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= 18


def decimal_text(text: str | None) -> str:
    """A typed amount as Python reads it: Québec writes 24 999,99 (spaces out, comma as the point)."""
    return (text or "").replace(" ", "").replace("\xa0", "").replace("\u202f", "").replace(",", ".")
