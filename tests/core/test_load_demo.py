import io

import pytest
from django.core.management import call_command

from accounts.choices import RoleCode
from accounts.models import Organisation, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _logins_file(tmp_path, monkeypatch):
    # Keep the developer's real .var/demo-logins.txt untouched.
    monkeypatch.setattr("accounts.demo.DEMO_LOGINS_FILE", tmp_path / "demo-logins.txt")


def test_load_demo_twice_duplicates_nothing(monkeypatch, tmp_path, settings):
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-pass-2026")
    first = io.StringIO()
    call_command("load_demo", stdout=first)
    counts = (Organisation.objects.count(), User.objects.count())
    # The Hato replay reports the demo units' defence progress between two loads.
    from sanfang.demo_defence import defence_demo_progress
    from sanfang.models import DefenceReport

    assert defence_demo_progress(fraction=0.3) > 0 and defence_demo_progress(fraction=0.6) > 0
    reports = DefenceReport.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert (Organisation.objects.count(), User.objects.count()) == counts
    assert DefenceReport.objects.count() == reports
    # A user for every role, each able to log in with the chosen password.
    for code in RoleCode.values:
        user = User.objects.get(roles__code=code)
        assert user.check_password("Demo-pass-2026")
    assert "sysadmin" in first.getvalue()
    district = Organisation.objects.get(code="demo-440402")
    assert district.admin_area is not None and district.admin_area.name == "香洲区"


def test_generated_passwords_are_printed_once(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    first, second = io.StringIO(), io.StringIO()
    call_command("load_demo", stdout=first)
    call_command("load_demo", stdout=second)
    line = next(line for line in first.getvalue().splitlines() if line.strip().startswith("commander"))
    password = line.split()[1]
    assert User.objects.get(username="commander").check_password(password)
    assert password not in second.getvalue()
