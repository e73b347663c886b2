"""Make the audit log append-only in the database itself.

Row triggers refuse UPDATE and DELETE, a statement trigger refuses TRUNCATE, so no code path in the
application (ORM, admin, raw SQL through Django) can change or remove an entry, even by mistake.
The only exception is ``manage.py flush``, which wipes every table on purpose (Django's
TransactionTestCase runs it after each test): it sets ``accounts.audit_truncate = on`` for its session
first (see accounts.audit).

Someone with database-owner rights can still disable the triggers (``ALTER TABLE ... DISABLE TRIGGER``,
``session_replication_role = replica``); the HMAC-SM3 hash chain is what detects that.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION accounts_auditentry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' AND current_setting('accounts.audit_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'accounts_auditentry is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER accounts_auditentry_no_update_delete
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_auditentry_append_only();

CREATE TRIGGER accounts_auditentry_no_truncate
    BEFORE TRUNCATE ON accounts_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_auditentry_append_only();
"""

REVERSE = r"""
DROP TRIGGER IF EXISTS accounts_auditentry_no_truncate ON accounts_auditentry;
DROP TRIGGER IF EXISTS accounts_auditentry_no_update_delete ON accounts_auditentry;
DROP FUNCTION IF EXISTS accounts_auditentry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
