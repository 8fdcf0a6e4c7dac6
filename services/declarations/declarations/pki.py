"""Keys and certificates made locally: the office's UPO key in development, and the test PKI
(a CA, qualified signers, the fake trusted-profile service). Production loads real ones."""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class KeyPair:
    key_pem: bytes
    cert_pem: bytes


def _name(common_name: str, serial_number: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "PL"),
             x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if serial_number:  # ETSI EN 319 412-1 semantics identifier, e.g. PNOPL-<PESEL>
        parts.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    return x509.Name(parts)


def _pem(key, cert) -> KeyPair:
    return KeyPair(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption()),
        cert.public_bytes(serialization.Encoding.PEM))


def _builder(subject: x509.Name, issuer: x509.Name, public_key, days: int) -> x509.CertificateBuilder:
    now = datetime.now(UTC)
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(public_key).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + timedelta(days=days))
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))


def new_ca(common_name: str, days: int = 3650) -> KeyPair:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    cert = (_builder(name, name, key.public_key(), days)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return _pem(key, cert)


def issue_signing_cert(ca: KeyPair, common_name: str, serial_number: str | None = None,
                       days: int = 730) -> KeyPair:
    """An end-entity certificate for signatures (digitalSignature + nonRepudiation)."""
    ca_key = serialization.load_pem_private_key(ca.key_pem, None)
    ca_cert = x509.load_pem_x509_certificate(ca.cert_pem)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (_builder(_name(common_name, serial_number), ca_cert.subject, key.public_key(), days)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    return _pem(key, cert)


def self_signed(common_name: str, days: int = 3650) -> KeyPair:
    """A key with a self-signed certificate: the office's UPO key outside production."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    cert = (_builder(name, name, key.public_key(), days)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=False, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return _pem(key, cert)


def serial_number_of(cert_pem_or_obj) -> str | None:
    cert = (cert_pem_or_obj if isinstance(cert_pem_or_obj, x509.Certificate)
            else x509.load_pem_x509_certificate(cert_pem_or_obj))
    values = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    return values[0].value if values else None
