"""Receivers wired in AccountsConfig.ready(). They only hand over to services."""

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from accounts.services.login import login_success_register, logout_register
from accounts.services.roles import roles_sync_from_specs


@receiver(user_logged_in, dispatch_uid="accounts.login_success")
def _on_login(sender, request, user, **kwargs):
    login_success_register(user=user)


@receiver(user_logged_out, dispatch_uid="accounts.logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        logout_register(user=user)


def sync_roles_after_migrate(sender, **kwargs):
    # post_migrate is sent once per app that has models; only after the last one do all the
    # permissions the roles refer to exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is with_models[-1]:
        roles_sync_from_specs()
