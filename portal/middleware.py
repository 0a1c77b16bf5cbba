"""Small middleware of the portal's own."""

from django.conf import settings


def served_by(get_response):
    """`X-Served-By: <name>` on every response, to tell app servers apart behind a load balancer (the scale-out
    demo counts them). Installed only when SERVER_NAME_HEADER names this server (see settings)."""
    name = settings.SERVER_NAME_HEADER

    def middleware(request):
        response = get_response(request)
        response["X-Served-By"] = name
        return response

    return middleware
