"""Every e-mail the portal sends goes through here: Django's e-mail API, a Thai text and HTML
version from templates/emails/<name>.txt, <name>.html and <name>_subject.txt, and a clear
failure when the mail server refuses or cannot be reached (MailNotSent, with a logged warning),
so no page ever says "we sent you an e-mail" when none went."""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger("ita.mail")


class MailNotSent(Exception):
    """The message did not leave: the mail server refused it or could not be reached."""

    def __init__(self, detail=""):
        self.detail = detail
        super().__init__(_("ส่งอีเมลไม่สำเร็จ ระบบยังไม่ได้ส่งอีเมลใด ๆ กรุณาลองใหม่ภายหลังหรือแจ้งผู้ดูแลระบบ"))


def render_mail(name, context):
    """(subject, text, html) of the template set `name`."""
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    text = render_to_string(f"emails/{name}.txt", context)
    html = render_to_string(f"emails/{name}.html", context)
    return subject, text, html


def build_mail(name, to, context, *, headers=None):
    subject, text, html = render_mail(name, context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {})
    message.attach_alternative(html, "text/html")
    return message


def send_template_mail(name, to, context, *, headers=None, connection=None):
    """Send one e-mail now; raises MailNotSent (and logs why) when it could not be sent.
    ``connection``: an open mail connection to reuse for many messages (the notification worker)."""
    message = build_mail(name, to, context, headers=headers)
    if connection is not None:
        message.connection = connection
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("mail %r to %s not sent: %s", name, to, exc)
        raise MailNotSent(str(exc)) from exc
