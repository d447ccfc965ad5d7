import html
import re
from html.parser import HTMLParser

from tests.factories import PASSWORD, totp_code


def page_text(response) -> str:
    """The visible text of an HTML response: tags removed, entities decoded, white space folded."""
    content = response.content.decode()
    content = re.sub(r"<(script|style)\b.*?</\1>", " ", content, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", content))).strip()


def log_in(client, user, *, password: str | None = None, ip: str = "127.0.0.1"):
    """Log ``user`` in as a person does: the password, then the second-factor code when they have one."""
    response = client.post("/comptes/login/", {"login": user.email, "password": password or PASSWORD}, REMOTE_ADDR=ip)
    assert response.status_code == 302, page_text(response)
    if response.url == "/comptes/2fa/authenticate/":
        response = client.post(response.url, {"code": totp_code(user)}, REMOTE_ADDR=ip)
        assert response.status_code == 302, page_text(response)
    return response


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__()
        self.form_id, self.inside, self.data = form_id, False, {}
        self._select = self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.form_id is None or attrs.get("id") == self.form_id
        if not self.inside or not attrs.get("name") and tag != "option":
            return
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") not in ("checkbox", "radio"):
                self._add(attrs["name"], attrs.get("value") or "")
            elif "checked" in attrs:
                self._add(attrs["name"], attrs.get("value") or "on")
        elif tag == "select":
            self._select = attrs["name"]
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._add(self._textarea, "")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.inside = False


def form_data(response, form_id: str | None = None) -> dict[str, list[str]]:
    """What a browser would send back from the page's form (``form_id``, or every form): fields, checked boxes,
    selected options. Tests change it to send what a person could hand-craft."""
    parser = _FormParser(form_id)
    parser.feed(response.content.decode())
    return parser.data
