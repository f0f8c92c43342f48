"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port): the portal's mail goes
through Django's SMTP backend to it, and the test reads what arrived."""

import email
import email.policy
import threading

from aiosmtpd.controller import Controller


class Inbox:
    """What the server received: `messages` are parsed email.message.EmailMessage objects."""

    def __init__(self):
        self.messages = []
        self.refuse = False  # when True the server answers 554 to every message
        self._lock = threading.Lock()

    @staticmethod
    def subject(message):
        return " ".join(str(message["Subject"]).split())

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 Transaction failed (refused by the test)"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message):
        return message.get_body(preferencelist=("html",)).get_content()


def start(port=0):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller, inbox


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
