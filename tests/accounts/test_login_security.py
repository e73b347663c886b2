from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from accounts.hashers import PBKDF2SM3PasswordHasher
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_page_is_chinese_by_default(client):
    page = client.get(LOGIN)
    assert page.status_code == 200
    html = page.content.decode()
    assert "应急指挥中心" in html
    assert 'lang="zh-hans"' in html


def test_login_page_in_english(client):
    client.cookies["django_language"] = "en"
    html = client.get(LOGIN).content.decode()
    assert "Emergency Command Centre" in html
    assert 'lang="en"' in html


def test_successful_login_reaches_the_home_page(client):
    UserFactory(username="alice")
    response = _login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_five_failures_lock_the_account_for_thirty_minutes(client):
    user = UserFactory(username="bob")
    for _ in range(4):
        assert _login(client, "bob", "wrong-Pass1").status_code == 200
    user.refresh_from_db()
    assert user.failed_login_count == 4 and user.locked_until is None
    response = _login(client, "bob", "wrong-Pass1")
    user.refresh_from_db()
    assert user.locked_until is not None
    remaining = user.locked_until - timezone.now()
    assert timedelta(minutes=29) < remaining <= timedelta(minutes=30)
    assert "锁定" in response.content.decode()
    # Even the right password is refused while locked, on our page and in the admin.
    assert "锁定" in _login(client, "bob", PASSWORD).content.decode()
    admin_login = client.post("/admin/login/", {"username": "bob", "password": PASSWORD})
    assert admin_login.status_code == 200
    assert "_auth_user_id" not in client.session


def test_lock_expires(client):
    user = UserFactory(username="carol")
    user.locked_until = timezone.now() - timedelta(seconds=1)
    user.save()
    assert _login(client, "carol", PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.failed_login_count == 0 and user.locked_until is None


@override_settings(LOGIN_FAILURE_LIMIT=2, LOGIN_LOCKOUT_MINUTES=5)
def test_lockout_numbers_are_settings(client):
    user = UserFactory(username="dave")
    _login(client, "dave", "nope-Nope1")
    _login(client, "dave", "nope-Nope1")
    user.refresh_from_db()
    assert user.locked_until is not None
    assert user.locked_until - timezone.now() <= timedelta(minutes=5)


def test_success_resets_the_failure_count(client):
    user = UserFactory(username="erin")
    _login(client, "erin", "wrong-Pass1")
    _login(client, "erin", PASSWORD)
    user.refresh_from_db()
    assert user.failed_login_count == 0


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Abcdef1!", True),  # 8 characters, 4 classes
        ("abcdefg1!", True),  # 3 classes
        ("Abc1!", False),  # too short
        ("abcdefgh12", False),  # only 2 classes
        ("ABCDEFGHIJ", False),  # 1 class
    ],
)
def test_password_policy(password, ok):
    if ok:
        validate_password(password)
    else:
        with pytest.raises(ValidationError):
            validate_password(password)


@override_settings(
    AUTH_PASSWORD_VALIDATORS=[
        {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 4}},
    ]
)
def test_password_classes_are_a_setting():
    with pytest.raises(ValidationError):
        validate_password("abcdefg1!")


def test_passwords_are_stored_with_pbkdf2_sm3():
    user = UserFactory()
    assert user.password.startswith("pbkdf2_sm3$")
    assert user.check_password(PASSWORD)
    assert not user.check_password(PASSWORD + "x")


def test_sm3_hasher_known_answer():
    # PBKDF2-HMAC-SM3 must be deterministic for a given salt and iteration count.
    hasher = PBKDF2SM3PasswordHasher()
    first = hasher.encode("password", "saltsaltsalt", iterations=1000)
    assert first == hasher.encode("password", "saltsaltsalt", iterations=1000)
    assert first.startswith("pbkdf2_sm3$1000$saltsaltsalt$")
    assert hasher.verify("password", first)


def test_idle_session_times_out(client, settings):
    UserFactory(username="frank")
    _login(client, "frank", PASSWORD)
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    session = client.session
    assert client.get("/").status_code == 200
    # Each request pushes the expiry forward: the session ends only after 30 idle minutes.
    from django.contrib.sessions.backends.cached_db import SessionStore

    store = SessionStore(session.session_key)
    expiry = store.get_expiry_date()
    assert timedelta(minutes=29) < expiry - timezone.now() <= timedelta(minutes=30)
    # Jump past the idle limit: the stored session has expired and the user is sent to log in.
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    from django.core.cache import cache

    cache.delete(f"django.contrib.sessions.cached_db{session.session_key}")
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_logout_ends_the_session(client):
    UserFactory(username="gina")
    _login(client, "gina", PASSWORD)
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302
