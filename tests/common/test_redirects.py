"""common/redirects.py: the one check of a next= (or Referer) address before a redirect."""

import pytest
from django.test import RequestFactory

from common.redirects import safe_url


def request(secure=False):
    return RequestFactory().get("/", secure=secure)


@pytest.mark.parametrize("candidate", ["/app/", "/orgs/x/2569/?a=1#b", "http://testserver/app/"])
def test_it_keeps_an_address_of_this_site(candidate):
    assert safe_url(request(), candidate, "app-home") == candidate


@pytest.mark.parametrize("candidate", [
    "x", "app-home", "notifications", "?next=1", "../app/", "", None, 42,  # bare words and relative paths
    "//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",  # elsewhere
    "/app/\x00", "/app/\r\nSet-Cookie: x=1", "\x01/app/", "/" + "a" * 2_001,  # controls, overlong
])
def test_it_falls_back_to_the_default_for_anything_else(candidate):
    assert safe_url(request(), candidate, "app-home") == "/app/"
    assert safe_url(request(), candidate) == ""


def test_it_keeps_https_when_the_request_came_over_https():
    assert safe_url(request(secure=True), "http://testserver/app/", "/") == "/"
    assert safe_url(request(secure=True), "https://testserver/app/", "/") == "https://testserver/app/"


def test_it_never_returns_a_bare_word_for_redirect_to_look_up():
    assert safe_url(request(), "x", "/plain/path/") == "/plain/path/"
