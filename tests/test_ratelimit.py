"""Who is asking: the client's address that every per-address rate limit counts (aptic.ratelimit.client_ip)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from accounts.adapter import AccountAdapter
from aptic.ratelimit import client_ip

PROXY = "10.0.0.5"
ROOT = Path(__file__).resolve().parent.parent


def _ip(remote_addr: str, forwarded: str | None = None) -> str:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert _ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert _ip("", None) == "unknown"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    # A client talking to the platform directly cannot pick the address it is counted as.
    assert _ip("203.0.113.7", "198.51.100.1") == "203.0.113.7"
    assert _ip("203.0.113.7", f"198.51.100.1, {PROXY}") == "203.0.113.7"


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "2001:db8:ffff::/48"]
    assert _ip(PROXY, "198.51.100.1") == "198.51.100.1"
    # What the client wrote itself (left of what the proxy saw) is never believed.
    assert _ip(PROXY, "192.0.2.66, 198.51.100.1") == "198.51.100.1"
    # Two proxies in a row (an edge proxy, then the local one): both are skipped.
    assert _ip(PROXY, "192.0.2.66, 198.51.100.1, 10.0.0.9") == "198.51.100.1"
    assert _ip("2001:db8:ffff::1", "198.51.100.1, 2001:db8:ffff::2") == "198.51.100.1"
    # Ports and brackets as some proxies write them.
    assert _ip(PROXY, "198.51.100.1:5123") == "198.51.100.1"
    # A trusted proxy that forwards no header is its own client; garbage stops at the last vouched-for hop.
    assert _ip(PROXY) == PROXY
    assert _ip(PROXY, "not-an-address, 10.0.0.9") == "10.0.0.9"


def test_ipv6_clients_are_grouped_by_their_64_network(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    assert _ip("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert _ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64"  # same subscriber, one client
    assert _ip("2001:db8:1:3::1") == "2001:db8:1:3::/64"
    assert _ip(PROXY, "[2001:db8:1:2::99]:443") == "2001:db8:1:2::/64"
    assert _ip("::ffff:192.0.2.8") == "192.0.2.8"  # an IPv4 client seen through a dual-stack socket


def test_a_bad_trusted_proxies_value_stops_the_start():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    command = [sys.executable, "-c", "import aptic.settings as s; print(s.TRUSTED_PROXIES)"]
    bad = subprocess.run(command, cwd=ROOT, env={**env, "TRUSTED_PROXIES": "10.0.0.0/33"}, capture_output=True)
    assert bad.returncode != 0 and b"10.0.0.0/33" in bad.stderr
    good = subprocess.run(command, cwd=ROOT, env={**env, "TRUSTED_PROXIES": "10.0.0.1, fd00::/8"}, capture_output=True)
    assert good.returncode == 0 and b"['10.0.0.1/32', 'fd00::/8']" in good.stdout


def test_logins_are_counted_on_the_same_client_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="2001:db8:7:7::1")
    assert AccountAdapter(request).get_client_ip(request) == "2001:db8:7:7::/64"


@pytest.mark.django_db
@pytest.mark.clock
def test_behind_a_proxy_one_guesser_does_not_stop_the_other_clients(client, settings):
    """The per-address limit counts each client behind the proxy, not the proxy: a guesser exhausting it does
    not refuse the next person, and cannot escape it by writing another address in the header."""
    settings.TRUSTED_PROXIES = [PROXY]
    url = reverse("cheques:balance")
    wrong = {"number": "99999999", "code": "AAAA-AAAA-AAAA-AAAA"}
    from cheques.balance import FAILURES_PER_IP

    for attempt in range(FAILURES_PER_IP[0]):
        spoofed = f"192.0.2.{attempt}, 198.51.100.20"  # a new left-most address each time: no use
        assert client.post(url, wrong, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=spoofed).status_code == 400
    assert client.post(url, wrong, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 429
    assert client.post(url, wrong, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.21").status_code == 400
