"""The client address of the request being answered, for the audit log: set by
``ClientAddressMiddleware`` (near the top of MIDDLEWARE) and read by ``audit()``
(assessments/services.py) for every row it writes, so a service records who, what, when and
from where without being handed the request. Outside a request (commands, tasks) it is ""."""

from contextvars import ContextVar

from axes.helpers import get_client_ip_address

_address: ContextVar[str] = ContextVar("client_address", default="")


def client_address() -> str:
    return _address.get()


def address_of(request) -> str:
    """The address as django-axes sees it (settings.AXES_IPWARE_PROXY_COUNT behind a proxy)."""
    return (get_client_ip_address(request) or "")[:45]


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _address.set(address_of(request))
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)
