import re
import unicodedata


def normalize_search(text: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: "Saint-Étienne" -> "saint etienne"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", " ", stripped.lower().replace("œ", "oe").replace("æ", "ae")).strip()
