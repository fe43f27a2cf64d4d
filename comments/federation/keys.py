"""RSA keys of the blog's actors: made once per actor, PEM in the database.
Only `sign` ever reads a private key."""

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.views.decorators.debug import sensitive_variables

KEY_BITS = 2048


@sensitive_variables("private", "private_pem")
def generate():
    """A new key pair as (public PEM, private PEM)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return public_pem, private_pem


@sensitive_variables("private_pem", "key")
def sign(private_pem: str, data: bytes) -> str:
    """RSASSA-PKCS1-v1_5 with SHA-256 (rsa-sha256), base64."""
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return base64.b64encode(key.sign(data, padding.PKCS1v15(), hashes.SHA256())).decode()


def verify(public_pem: str, data: bytes, signature_b64: str) -> bool:
    """Whether the signature over `data` was made by the key; any malformed
    key or signature is simply a failed check."""
    try:
        key = serialization.load_pem_public_key(public_pem.encode())
        signature = base64.b64decode(signature_b64, validate=True)
        if not isinstance(key, rsa.RSAPublicKey):
            return False
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError, UnicodeError):
        return False
    return True
