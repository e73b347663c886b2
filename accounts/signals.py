"""Receivers wired in AccountsConfig.ready(). They only hand over to services."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts.services.login import login_success_register, logout_register


@receiver(user_logged_in, dispatch_uid="accounts.login_success")
def _on_login(sender, request, user, **kwargs):
    login_success_register(user=user)


@receiver(user_logged_out, dispatch_uid="accounts.logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        logout_register(user=user)
