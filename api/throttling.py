from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class PerTokenThrottle(SimpleRateThrottle):
    """Per token for systems, per user for browser sessions."""

    scope = "per_token"

    def get_cache_key(self, request, view):
        if request.auth is not None and hasattr(request.auth, "key"):
            ident = f"token:{request.auth.key}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenEndpointThrottle(AnonRateThrottle):
    """The token endpoint is a password oracle: few attempts per address."""

    scope = "token"
