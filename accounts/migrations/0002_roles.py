from django.db import migrations

ROLES = [
    # code, city_wide, staff, exclusive_group
    ("system_admin", True, True, "administration"),
    ("security_admin", True, True, "administration"),
    ("audit_admin", True, True, "administration"),
    ("commander", True, True, ""),
    ("duty_officer", True, True, ""),
    ("member_unit_staff", False, False, ""),
    ("grid_inspector", False, False, ""),
    ("enterprise_admin", False, False, ""),
    ("enterprise_staff", False, False, ""),
    ("third_party_inspector", False, False, ""),
    ("enforcement_officer", False, False, ""),
    ("api_client", False, False, ""),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, city_wide, staff, group in ROLES:
        Role.objects.update_or_create(
            code=code, defaults={"city_wide": city_wide, "staff": staff, "exclusive_group": group}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
