"""Log in by user name or by mobile number, with the same password."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


def user_for_login(login: str):
    """The user a login names: by user name, or else by mobile number."""
    login = (login or "").strip()
    if not login:
        return None
    User = get_user_model()
    return User.objects.filter(Q(username=login) | Q(mobile=login)).order_by("id").first()


def account_name(request, credentials=None) -> str:
    """What the lockout counts failures against (AXES_USERNAME_CALLABLE): the account, whether
    its user name or its mobile number was typed — otherwise each would have its own count (ten
    guesses instead of five), and a success by mobile would clear the user name's lock."""
    typed = (credentials or {}).get("username") or request.POST.get("username", "")
    user = user_for_login(typed)
    return user.get_username() if user else (typed or "").strip()


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = user_for_login(username)
        if user is None:
            User = get_user_model()
            User().set_password(password)  # same work as a real check, against timing attacks
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def client_ip(request) -> str | None:
    """The client's address for lockouts. Without proxies: REMOTE_ADDR. Behind PROXY_COUNT proxies:
    the entry of X-Forwarded-For that the outermost of them appended (entries further left were
    written by the client and can be forged)."""
    remote = request.META.get("REMOTE_ADDR")
    count = getattr(settings, "PROXY_COUNT", 0)
    if not count:
        return remote
    chain = [
        a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
    ]
    return chain[-count] if len(chain) >= count else remote
