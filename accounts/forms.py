from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services.login import login_locked_until


class LoginForm(AuthenticationForm):
    """The login form of our pages and the admin; it tells a locked user when they can retry."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("This account is locked after too many failed logins. Try again after %(until)s."),
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username:
            user = User._default_manager.filter(username=username).first()
            until = login_locked_until(user=user) if user else None
            if until is None:
                try:
                    return super().clean()
                except forms.ValidationError:
                    # The failure that just happened may have locked the account.
                    user = User._default_manager.filter(username=username).first()
                    until = login_locked_until(user=user) if user else None
                    if until is None:
                        raise
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"until": time_format(timezone.localtime(until), "H:i")},
            )
        return super().clean()
