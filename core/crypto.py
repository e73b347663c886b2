"""National (GM/T) cryptography behind one module: SM3 hashing and HMAC-SM3, SM4-GCM encryption.

Everything goes through pyca/cryptography, which bundles its own OpenSSL, so the result does not
depend on how the system OpenSSL was built. Keeping the calls here lets a deployment swap in a
certified crypto device (密码机) later without touching callers (DOMAIN.md §4.3).
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

SM4_KEY_BYTES = 16
GCM_NONCE_BYTES = 12
GCM_TAG_BYTES = 16


def sm3_hex(data: bytes) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize().hex()


def hmac_sm3_hex(key: bytes, data: bytes) -> str:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize().hex()


def sm4_gcm_encrypt(key: bytes, plaintext: bytes, associated_data: bytes = b"") -> bytes:
    """Return nonce || ciphertext || tag. A fresh random nonce every call."""
    if len(key) != SM4_KEY_BYTES:
        raise ValueError("SM4 keys are 16 bytes")
    nonce = os.urandom(GCM_NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(associated_data)
    ciphertext = encryptor.update(plaintext) + encryptor.finalize()
    return nonce + ciphertext + encryptor.tag


def sm4_gcm_decrypt(key: bytes, blob: bytes, associated_data: bytes = b"") -> bytes:
    if len(key) != SM4_KEY_BYTES:
        raise ValueError("SM4 keys are 16 bytes")
    if len(blob) < GCM_NONCE_BYTES + GCM_TAG_BYTES:
        raise ValueError("ciphertext too short")
    nonce, body, tag = blob[:GCM_NONCE_BYTES], blob[GCM_NONCE_BYTES:-GCM_TAG_BYTES], blob[-GCM_TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(associated_data)
    return decryptor.update(body) + decryptor.finalize()
