"""PBKDF2 with HMAC-SM3 for stored passwords (GB/T 39786 practice, DOMAIN.md §4.3)."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher


class PBKDF2SM3PasswordHasher(PBKDF2PasswordHasher):
    algorithm = "pbkdf2_sm3"

    @property
    def iterations(self) -> int:  # type: ignore[override]
        return settings.PASSWORD_HASH_ITERATIONS

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        self._check_encode_args(password, salt)
        iterations = iterations or self.iterations
        kdf = PBKDF2HMAC(algorithm=hashes.SM3(), length=32, salt=salt.encode(), iterations=iterations)
        digest = base64.b64encode(kdf.derive(password.encode())).decode("ascii")
        return f"{self.algorithm}${iterations}${salt}${digest}"
