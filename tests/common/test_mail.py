import pytest
from django.template import TemplateDoesNotExist

from common import mail


@pytest.fixture
def probe_templates(tmp_path, settings):
    folder = tmp_path / "emails"
    folder.mkdir()
    (folder / "probe_subject.txt").write_text("เรื่อง {{ what }}\n", encoding="utf-8")
    (folder / "probe.txt").write_text("สวัสดี {{ what }}", encoding="utf-8")
    (folder / "probe.html").write_text("<p>สวัสดี {{ what }}</p>", encoding="utf-8")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]


def test_it_sends_a_thai_text_and_html_mail_through_a_real_smtp_server(smtp_server, probe_templates):
    mail.send_template_mail("probe", "somchai@example.go.th", {"what": "การทดสอบ"})
    [message] = smtp_server.to("somchai@example.go.th")
    assert message["Subject"].strip() == "เรื่อง การทดสอบ"
    assert smtp_server.text(message).strip() == "สวัสดี การทดสอบ"
    assert "<p>สวัสดี การทดสอบ</p>" in smtp_server.html(message)


def test_it_raises_a_thai_error_and_logs_when_the_server_is_unreachable(closed_smtp_port, probe_templates, caplog):
    with pytest.raises(mail.MailNotSent) as failure:
        mail.send_template_mail("probe", "somchai@example.go.th", {"what": "x"})
    assert "ส่งอีเมลไม่สำเร็จ" in str(failure.value)
    assert any("not sent" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


def test_it_raises_when_the_server_refuses_the_message(smtp_server, probe_templates):
    smtp_server.refuse = True
    with pytest.raises(mail.MailNotSent):
        mail.send_template_mail("probe", "somchai@example.go.th", {"what": "x"})
    assert smtp_server.messages == []


def test_it_needs_all_three_templates(probe_templates):
    with pytest.raises(TemplateDoesNotExist):
        mail.render_mail("no-such-mail", {})
