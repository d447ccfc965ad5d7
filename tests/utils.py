import html
import re


def page_text(response) -> str:
    """The visible text of an HTML response: tags removed, entities decoded, white space folded."""
    content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", content))).strip()
