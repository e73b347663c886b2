import pytest

from accounts.models import Organisation, User
from accounts.selectors.organisations import organisations_visible, scope_for_user, users_visible

pytestmark = pytest.mark.django_db


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_whole_city_role_sees_everything(personas):
    assert names(organisations_visible(user=personas.commander)) == names(Organisation.objects.all())


def test_district_user_sees_own_subtree_only(personas):
    assert names(organisations_visible(user=personas.grid_a)) == {"香洲区", "拱北街道", "示范化工"}
    assert names(organisations_visible(user=personas.grid_b)) == {"斗门区"}


def test_enterprise_user_sees_only_the_enterprise(personas):
    assert names(organisations_visible(user=personas.enterprise)) == {"示范化工"}


def test_user_without_organisation_sees_nothing(personas):
    assert not organisations_visible(user=personas.outsider).exists()


def test_scope_applies_to_records_owned_by_organisations(personas):
    visible = set(users_visible(user=personas.grid_a).values_list("username", flat=True))
    assert visible == {"grid_a", "ent_admin"}
    assert "grid_b" not in visible and "commander" not in visible


def test_deep_trees_stay_one_query(personas, django_assert_num_queries):
    parent = personas.company
    for depth in range(6):
        parent = Organisation.objects.create(name=f"车间{depth}", kind="enterprise", parent=parent)
    user = User.objects.get(pk=personas.grid_a.pk)
    user._sees_whole_city = False
    with django_assert_num_queries(1):
        assert len(list(scope_for_user(Organisation.objects.all(), user=user, field="pk"))) == 3 + 6


def test_admin_lists_are_scoped(client, personas):
    from accounts.choices import RoleCode
    from accounts.models import Role

    # A district-level user given view rights in the admin still sees only their subtree.
    role = Role.objects.get(code=RoleCode.GRID_INSPECTOR)
    from django.contrib.auth.models import Permission

    role.permissions.add(Permission.objects.get(codename="view_organisation"))
    personas.grid_b.is_staff = True
    personas.grid_b.save()
    client.force_login(personas.grid_b)
    page = client.get("/admin/accounts/organisation/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "斗门区" in html
    assert "香洲区" not in html
    other = Organisation.objects.get(name="香洲区")
    assert client.get(f"/admin/accounts/organisation/{other.pk}/change/").status_code in (302, 404)
