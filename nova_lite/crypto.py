"""Key pairs: generation, and fingerprints of keys users import.

Fingerprints are nova's: the MD5 of an ssh public key's key blob, and the
SHA-1 of an x509 certificate, as colon-separated hex pairs. Generated ssh
keys are 2048-bit RSA keys whose private half is a traditional PEM; x509
key pairs are a self-signed client certificate for ``user_id`` (the
public half) and a PKCS#12 bundle without password, base64 encoded (the
private half).
"""

import base64
import binascii
import datetime
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.oid import NameOID

from nova_lite import exception

# The user principal name in a certificate's subject alternative names.
_UPN_OID = x509.ObjectIdentifier('1.3.6.1.4.1.311.20.2.3')
_CERT_DAYS = 3650


def _colons(hex_digest):
    return ':'.join(a + b for a, b in zip(hex_digest[::2], hex_digest[1::2]))


def ssh_fingerprint(public_key):
    """The fingerprint of an OpenSSH public key line; InvalidKeypair if it
    is not one."""
    try:
        serialization.load_ssh_public_key(public_key.encode('utf-8'))
        blob = base64.b64decode(public_key.split(' ')[1])
        return _colons(hashlib.md5(blob, usedforsecurity=False).hexdigest())
    except Exception:
        raise exception.InvalidKeypair(
            reason='failed to generate fingerprint')


def x509_fingerprint(pem):
    """The fingerprint of a PEM certificate; InvalidKeypair if it is not
    one."""
    try:
        if isinstance(pem, str):
            pem = pem.encode('utf-8')
        cert = x509.load_pem_x509_certificate(pem)
        return _colons(binascii.hexlify(
            cert.fingerprint(hashes.SHA1())).decode('ascii'))
    except (ValueError, TypeError, binascii.Error) as error:
        raise exception.InvalidKeypair(
            reason='failed to generate X509 fingerprint. Error message: '
                   '%s' % error)


def fingerprint(public_key, key_type):
    if key_type == 'x509':
        return x509_fingerprint(public_key)
    return ssh_fingerprint(public_key)


def generate_ssh_key(bits=2048):
    """(private key PEM, public key line, fingerprint)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode('ascii')
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode('ascii')
    public = '%s Generated-by-Nova' % public
    return private, public, ssh_fingerprint(public)


def _der_utf8(text):
    data = text.encode('utf-8')
    if len(data) < 0x80:
        length = bytes([len(data)])
    else:
        size = (len(data).bit_length() + 7) // 8
        length = bytes([0x80 | size]) + len(data).to_bytes(size, 'big')
    return b'\x0c' + length + data


def generate_x509_cert(user_id, bits=2048):
    """(base64 PKCS#12 bundle, certificate PEM, fingerprint) of a client
    certificate for ``user_id``, valid ten years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user_id)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = x509.CertificateBuilder().subject_name(subject).issuer_name(
        subject).public_key(key.public_key()).serial_number(
        x509.random_serial_number()).not_valid_before(now).not_valid_after(
        now + datetime.timedelta(days=_CERT_DAYS)).add_extension(
        x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
        critical=False).add_extension(
        x509.SubjectAlternativeName([x509.OtherName(
            _UPN_OID, _der_utf8('%s@localhost' % user_id))]),
        critical=False).sign(key, hashes.SHA256())
    certificate = cert.public_bytes(
        serialization.Encoding.PEM).decode('ascii')
    bundle = pkcs12.serialize_key_and_certificates(
        None, key, cert, None, serialization.NoEncryption())
    private = base64.b64encode(bundle).decode('ascii')
    return private, certificate, x509_fingerprint(certificate)


def generate(key_type, user_id):
    if key_type == 'x509':
        return generate_x509_cert(user_id)
    return generate_ssh_key()
