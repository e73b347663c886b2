"""Model fields stored SM4-GCM encrypted (personal data, feed credentials).

The database holds ``sm4:<base64 of nonce+ciphertext+tag>``; Python sees plain text. Encrypted
values cannot be searched or sorted in SQL, by design. The key is ``settings.FIELD_ENCRYPTION_KEY``.
"""

from __future__ import annotations

import base64
import json
from functools import cache

from django.conf import settings
from django.db import models

from core.crypto import SM4_KEY_BYTES, sm3_hex, sm4_gcm_decrypt, sm4_gcm_encrypt

PREFIX = "sm4:"


@cache
def _key(configured: str, secret: str) -> bytes:
    if configured:
        return bytes.fromhex(configured)
    return bytes.fromhex(sm3_hex(("field-key:" + secret).encode()))[:SM4_KEY_BYTES]


def field_key() -> bytes:
    return _key(settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt_text(value: str) -> str:
    return PREFIX + base64.b64encode(sm4_gcm_encrypt(field_key(), value.encode())).decode()


def decrypt_text(value: str) -> str:
    if not value.startswith(PREFIX):
        raise ValueError("value is not SM4-encrypted")
    return sm4_gcm_decrypt(field_key(), base64.b64decode(value[len(PREFIX) :])).decode()


class EncryptedTextField(models.TextField):
    """Text stored encrypted. Blank stays blank (so "no phone number" needs no ciphertext)."""

    encrypted = True

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(str(value))


class EncryptedJSONField(models.TextField):
    """A JSON object stored encrypted (for settings that hold credentials)."""

    encrypted = True

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None if value is None else {}
        return json.loads(decrypt_text(value))

    def to_python(self, value):
        if isinstance(value, (dict, list)) or value is None:
            return value
        return json.loads(value) if value else {}

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt_text(json.dumps(value, ensure_ascii=False, sort_keys=True))
