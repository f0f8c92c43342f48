from django.http import HttpResponse
from django.views.decorators.cache import never_cache


@never_cache
def healthz(request):
    """A constant answer: for load balancers, and the bare-stack baseline in bench/load.py."""
    return HttpResponse("ok", content_type="text/plain")
