"""Normalised forms of names, postcodes and dates of birth, for matching.

The same functions run when a service writes a row and when a search is typed, on both
databases, so a stored `*_norm` column and a query always compare like with like.
"""

import re
import unicodedata
from functools import lru_cache

# Straight and curly apostrophes, backtick and acute accent: O'Brien, O\u2019Brien.
_APOSTROPHES = re.compile("['\u2019\u2018`\u00b4]")
_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")


def name(value: str) -> str:
    """Lower case, accents stripped, apostrophes dropped, other punctuation and hyphens as spaces.

    "O'Brien-Smyth" -> "obrien smyth"; "José  Núñez" -> "jose nunez".
    """
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    lowered = _APOSTROPHES.sub("", stripped.lower())
    return _SPACES.sub(" ", _NOT_LETTER.sub(" ", lowered)).strip()


def full_name(forenames_norm: str, surname_norm: str) -> str:
    """ "surname forenames": what trigram similarity compares."""
    return f"{surname_norm} {forenames_norm}".strip()


def first_forename(forenames_norm: str) -> str:
    return forenames_norm.split(" ", 1)[0] if forenames_norm else ""


def postcode(value: str) -> str:
    """Upper case without spaces: " dh1 1aa " -> "DH11AA". Empty if blank."""
    return re.sub(r"[^A-Z0-9]", "", value.upper())


def is_valid_postcode(normalised: str) -> bool:
    return bool(_POSTCODE.match(normalised))


def postcode_display(normalised: str) -> str:
    """ "DH11AA" -> "DH1 1AA"."""
    return f"{normalised[:-3]} {normalised[-3:]}" if len(normalised) > 3 else normalised


def postcode_district(normalised: str) -> str:
    """The outward code: "DH11AA" -> "DH1"."""
    return normalised[:-3] if len(normalised) > 3 else normalised


# A phonetic key: Soundex (as in PostgreSQL's fuzzystrmatch) after a few English spelling
# rules that Soundex gets wrong because it keeps the first letter (Philips/Fillips,
# Knight/Night, Catherine/Kathryn), and kept to six characters rather than four, so long
# names stay apart. Computed in Python and stored in a column, so both databases share it.
_INITIAL_RULES = (
    ("ph", "f"),
    ("kn", "n"),
    ("gn", "n"),
    ("wr", "r"),
    ("ps", "s"),
    ("wh", "w"),
    ("mac", "mc"),
    ("ce", "se"),
    ("ci", "si"),
    ("cy", "sy"),
    ("c", "k"),
    ("q", "k"),
    ("x", "z"),
    ("y", "a"),
    ("e", "a"),
    ("o", "a"),
    ("u", "a"),
    ("i", "a"),
)
_CODES = {
    **dict.fromkeys("bfpv", "1"),
    **dict.fromkeys("cgjkqsxz", "2"),
    **dict.fromkeys("dt", "3"),
    "l": "4",
    **dict.fromkeys("mn", "5"),
    "r": "6",
}


@lru_cache(maxsize=65536)
def phonetic(word: str) -> str:
    """The phonetic key of one normalised word ("smith" and "smyth" -> "S53"); "" for "".

    Spaces are ignored, so a double-barrelled surname keys as one word; search also keys
    each part (see `phonetic_parts`).
    """
    word = word.replace(" ", "")
    if not word:
        return ""
    for prefix, replacement in _INITIAL_RULES:
        if word.startswith(prefix):
            word = replacement + word[len(prefix) :]
            break
    word = word.replace("ph", "f").replace("ck", "k").replace("gh", "")
    if not word:
        return ""
    key = word[0].upper()
    previous = _CODES.get(word[0], "")
    for char in word[1:]:
        code = _CODES.get(char, "")
        if code and code != previous:
            key += code
        # h and w do not separate equal codes (as in Soundex); vowels do.
        if char not in "hw":
            previous = code
    return key[:6]


@lru_cache(maxsize=65536)
def phonetic_parts(value_norm: str) -> frozenset[str]:
    """Keys of the whole value and of each part: "smith jones" -> keys of both and of the whole.

    Cached, like `phonetic`: search scores every candidate name against the same few words.
    """
    parts = [part for part in value_norm.split(" ") if part]
    keys = {phonetic(part) for part in parts}
    if len(parts) > 1:
        keys.add(phonetic(value_norm))
    return frozenset(key for key in keys if key)
