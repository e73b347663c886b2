"""The read-only audit log in the admin (implemented with the audit chain)."""
