from django.utils.functional import SimpleLazyObject

from accounts.access import SESSION_ORGANISATION_KEY, access_for_user


class AccessMiddleware:
    """Puts ``request.access`` (user, current organisation, role, staff roles) on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access = SimpleLazyObject(
            lambda: access_for_user(request.user, request.session.get(SESSION_ORGANISATION_KEY))
        )
        return self.get_response(request)
