import re
import unicodedata


def normalize_search(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: "Saint-Étienne" -> "saint etienne"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", " ", stripped.lower().replace("œ", "oe").replace("æ", "ae")).strip()


# Latin letters that Unicode does not decompose into a base letter and an accent.
_LETTERS = str.maketrans(
    {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"}
    | {"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH", "ı": "i", "ŉ": "n"}
)


def transliterate(text: str) -> str:
    """Latin letters as base letters, case kept: "Cœur d'Été, Straße" -> "Coeur d'Ete, Strasse". Compatibility
    forms are unfolded ("ﬁ" -> "fi", a no-break space -> a space); any other character is left as it is."""
    # A capital ligature starting a word in lower case is written like a capital letter: "Œuvre" -> "Oeuvre".
    text = re.sub(r"[ŒÆ](?=[a-zà-ÿ])", lambda match: {"Œ": "Oe", "Æ": "Ae"}[match[0]], text or "")
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return "".join(char for char in decomposed if not unicodedata.combining(char))
