"""The link checker (issue 25 point 4): a local http.server stands for the bodies' websites
(OIT_LINK_CHECK_ALLOW_LOCAL); a 404 is broken and reminds the editors once; a redirect to a
private address is refused; SSRF checks on every hop."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from notifications.models import Notification
from oit import links
from oit.models import ItemAnswer, LinkCheck

from .helpers import save_url

PAGES = {  # path: (status, headers, body)
    "/ok.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"),
    "/page": (200, {"Content-Type": "text/html; charset=utf-8"}, b"<html><body>structure</body></html>"),
    "/gone.pdf": (404, {"Content-Type": "text/html"}, b"not found"),
    "/moved-file.pdf": (200, {"Content-Type": "text/html"}, b"<html>file not found, back to home</html>"),
    "/members": (302, {"Location": "/login?next=/members"}, b""),
    "/login": (200, {"Content-Type": "text/html"}, b'<form><input type="password" name="p"></form>'),
    "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
    "/to-private": (302, {"Location": "http://10.1.2.3/files/o1.pdf"}, b""),
    "/hop": (302, {"Location": "/ok.pdf"}, b""),
    "/loop": (302, {"Location": "/loop"}, b""),
    "/broken-server": (500, {"Content-Type": "text/plain"}, b"oops"),
}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        status, headers, body = PAGES.get(self.path.split("?", 1)[0], (404, {}, b""))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def site(settings):
    settings.OIT_LINK_CHECK_ALLOW_LOCAL = True
    settings.OIT_LINK_CHECK_TIMEOUT = 3
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("path", "ok", "problem"), [
    ("/ok.pdf", True, ""),
    ("/page", True, ""),
    ("/hop", True, ""),
    ("/gone.pdf", False, "http"),
    ("/broken-server", False, "http"),
    ("/moved-file.pdf", False, "html"),
    ("/members", False, "sign_in"),
    ("/to-metadata", False, "address"),
    ("/to-private", False, "address"),
    ("/loop", False, "redirects"),
])
def test_it_tells_a_working_link_from_a_broken_one(site, path, ok, problem):
    result = links.check_url(site + path)
    assert (result.ok, result.problem) == (ok, problem), result


def test_it_refuses_local_addresses_in_production(settings, site):
    settings.OIT_LINK_CHECK_ALLOW_LOCAL = False
    for url in (site + "/ok.pdf", "http://localhost/", "http://[::1]/", "http://0.0.0.0/", "http://192.168.1.1/",
                "http://[::ffff:127.0.0.1]/"):
        result = links.check_url(url)
        assert (result.ok, result.problem) == (False, "address"), url


def test_a_404_is_broken_and_reminds_the_editors_exactly_once(db, site):
    answer = save_url("o1", site + "/gone.pdf")
    assert links.check_answer(answer.pk) == "broken"
    assert links.check_answer(answer.pk) == "broken"
    call_command("check_links")
    answer.refresh_from_db()
    assert answer.link_state == "broken" and "404" in answer.link_problem
    told = Notification.objects.filter(kind="oit_link_broken", org=answer.org)
    assert told.count() == 1 and told.get().recipient.username == "angthong_editor"
    assert "O1" in told.get().headline
    assert LinkCheck.objects.filter(answer=answer).count() == 3


def test_a_fixed_address_is_checked_again_and_a_new_break_is_a_new_reminder(db, site):
    answer = save_url("o1", site + "/gone.pdf")
    links.check_answer(answer.pk)
    answer = save_url("o1", site + "/ok.pdf")
    assert answer.link_state == ""  # a new address is unchecked
    assert links.check_answer(answer.pk) == "ok"
    PAGES["/ok.pdf"], kept = (404, {}, b""), PAGES["/ok.pdf"]
    try:
        links.check_answer(answer.pk)
    finally:
        PAGES["/ok.pdf"] = kept
    assert Notification.objects.filter(kind="oit_link_broken").count() == 2


def test_a_result_for_an_address_changed_meanwhile_is_dropped(db, site):
    answer = save_url("o1", site + "/gone.pdf")
    result = links.check_url(site + "/gone.pdf")
    save_url("o1", site + "/ok.pdf")
    assert links.record(answer.pk, site + "/gone.pdf", result) is False
    assert ItemAnswer.objects.get(pk=answer.pk).link_state == ""


def test_the_staff_page_shows_a_broken_link(client, db, site):
    from tests.factories import ANGTHONG, EDITOR, login

    answer = save_url("o1", site + "/gone.pdf")
    links.check_answer(answer.pk)
    login(client, EDITOR)
    page = client.get(f"/app/orgs/{ANGTHONG}/2569/ita/").content.decode()
    assert 'data-testid="broken"' in page and 'data-testid="broken-count">1<' in page


def test_a_save_queues_a_check_when_asked(db, site, settings):
    settings.OIT_LINK_CHECK_AFTER_SAVE = True
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = save_url("o3", site + "/page")
    assert ItemAnswer.objects.get(pk=answer.pk).link_state == "ok"


def test_the_reminder_is_mailed_in_thai(db, site, mailoutbox):
    from notifications.services import send_queued
    from tests.factories import EDITOR, user

    editor = user(EDITOR)
    editor.email = "editor@angthong.go.th"
    editor.save(update_fields=["email"])
    answer = save_url("o1", site + "/gone.pdf")
    links.check_answer(answer.pk)
    send_queued()
    (message,) = [m for m in mailoutbox if "OIT" in m.subject]
    assert "O1" in message.subject and site + "/gone.pdf" in message.body and "404" in message.body
