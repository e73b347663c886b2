from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.services.login import login_failure_register, login_locked_until


class RoleModelBackend(ModelBackend):
    """Django's model backend with lockout, and with permissions coming from the user's roles.

    Every login path (our page, the admin, DRF session login) authenticates through here, so the
    lockout cannot be sidestepped by choosing another door.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no user enumeration by timing
            login_failure_register(user=None, username=username)
            return None
        if login_locked_until(user=user):
            raise PermissionDenied("account locked")
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        login_failure_register(user=user, username=username)
        return None

    def _get_group_permissions(self, user_obj):
        return Permission.objects.filter(role__assignments__user=user_obj)
