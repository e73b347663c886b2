"""Demo organisations and one user for every role (registered with core.demo)."""

from __future__ import annotations

import os
import secrets
import string

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.choices import OrganisationKind as K
from accounts.choices import RoleCode as R
from accounts.models import Organisation, User
from accounts.services.roles import role_assign
from core.demo import DemoContext, register_demo_loader

# (code, name, kind, parent code)
ORGANISATIONS: list[tuple[str, str, str, str | None]] = [
    ("demo-bureau", "珠海市应急管理局", K.BUREAU, None),
    ("demo-water", "珠海市水务局", K.MEMBER_UNIT, "demo-bureau"),
    ("demo-weather", "珠海市气象局", K.MEMBER_UNIT, "demo-bureau"),
    ("demo-natres", "珠海市自然资源局", K.MEMBER_UNIT, "demo-bureau"),
    ("demo-housing", "珠海市住房和城乡建设局", K.MEMBER_UNIT, "demo-bureau"),
    ("demo-transport", "珠海市交通运输局", K.MEMBER_UNIT, "demo-bureau"),
    ("demo-police", "珠海市公安局", K.MEMBER_UNIT, "demo-bureau"),
    ("demo-fire", "珠海市消防救援支队", K.MEMBER_UNIT, "demo-bureau"),
    ("demo-440402", "香洲区", K.DISTRICT, "demo-bureau"),
    ("demo-440403", "斗门区", K.DISTRICT, "demo-bureau"),
    ("demo-440404", "金湾区", K.DISTRICT, "demo-bureau"),
    ("demo-gongbei", "拱北街道", K.TOWN, "demo-440402"),
    ("demo-jingan", "井岸镇", K.TOWN, "demo-440403"),
    ("demo-sanzao", "三灶镇", K.TOWN, "demo-440404"),
    ("demo-ent-chem", "珠海示范化工有限公司（演示）", K.ENTERPRISE, "demo-sanzao"),
    ("demo-ent-port", "珠海示范港口物流有限公司（演示）", K.ENTERPRISE, "demo-gongbei"),
    ("demo-agency", "珠海示范安全技术服务有限公司（演示）", K.THIRD_PARTY, "demo-bureau"),
]

# (username, surname, given name, organisation code, role)
USERS: list[tuple[str, str, str, str, str]] = [
    ("sysadmin", "系统", "管理员", "demo-bureau", R.SYSTEM_ADMIN),
    ("secadmin", "安全", "管理员", "demo-bureau", R.SECURITY_ADMIN),
    ("auditadmin", "审计", "管理员", "demo-bureau", R.AUDIT_ADMIN),
    ("commander", "陈", "指挥", "demo-bureau", R.COMMANDER),
    ("duty", "李", "值班", "demo-bureau", R.DUTY_OFFICER),
    ("unitstaff", "王", "水务", "demo-water", R.MEMBER_UNIT_STAFF),
    ("grid", "赵", "网格", "demo-gongbei", R.GRID_INSPECTOR),
    ("entadmin", "周", "企管", "demo-ent-chem", R.ENTERPRISE_ADMIN),
    ("entstaff", "吴", "企员", "demo-ent-chem", R.ENTERPRISE_STAFF),
    ("inspector", "郑", "第三方", "demo-agency", R.THIRD_PARTY_INSPECTOR),
    ("enforcer", "孙", "执法", "demo-440402", R.ENFORCEMENT_OFFICER),
    ("apiclient", "接口", "客户端", "demo-weather", R.API_CLIENT),
]

DEMO_LOGINS_FILE = settings.BASE_DIR / ".var" / "demo-logins.txt"


def _new_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(10)) + secrets.choice("!#%+-=@")
        try:
            validate_password(candidate)
        except ValidationError:
            continue
        return candidate


@register_demo_loader("accounts", order=10)
def load_accounts(ctx: DemoContext) -> None:
    by_code: dict[str, Organisation] = {}
    for code, name, kind, parent_code in ORGANISATIONS:
        org, _created = Organisation.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "parent": by_code.get(parent_code or "")}
        )
        by_code[code] = org
    ctx.say(f"{len(by_code)} organisations")

    fixed = os.environ.get("DEMO_PASSWORD")
    if fixed:
        validate_password(fixed)
    printed: list[tuple[str, str, str]] = []
    for username, surname, given, org_code, role in USERS:
        user = User.objects.filter(username=username).first()
        is_new = user is None
        if is_new:
            user = User(username=username)
        user.last_name, user.first_name, user.organisation = surname, given, by_code[org_code]
        if is_new or fixed or ctx.reset_passwords:
            password = fixed or _new_password()
            user.set_password(password)
            printed.append((username, password, str(R(role).label)))
        user.save()
        role_assign(user=user, role_code=role)

    if printed:
        ctx.say("Demo logins (passwords are shown only now; set DEMO_PASSWORD to choose one):")
        lines = [f"{u:<12} {p:<16} {label}" for u, p, label in printed]
        for line in lines:
            ctx.say(f"  {line}")
        DEMO_LOGINS_FILE.parent.mkdir(parents=True, exist_ok=True)
        DEMO_LOGINS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")
        DEMO_LOGINS_FILE.chmod(0o600)
        ctx.say(f"(also written to {DEMO_LOGINS_FILE}, readable only by you)")
    else:
        ctx.say(
            f"{len(USERS)} demo users already exist; their passwords are in {DEMO_LOGINS_FILE} "
            "(or run `manage.py load_demo --reset-passwords`)."
        )
