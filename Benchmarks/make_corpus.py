#!/usr/bin/env python3
"""Makes a corpus of real, signed X.509 certificates for the expiry benchmark.

usage: make_corpus.py DIR COUNT

One CA key and one leaf key (RSA 2048, as CMS makes them) are generated once; each
certificate is then built and signed by the CA with its own serial, CN, SANs and
validity (some expired, some near expiry, most far), 100 files per sub-folder, one PEM
certificate per file. Signing is the only per-certificate cost, so 10,000 take seconds
rather than the minutes of 10,000 openssl processes.
"""
import datetime
import os
import random
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    folder, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(20261129)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Inc."),
        x509.NameAttribute(NameOID.COMMON_NAME, "Example Issuing CA"),
    ])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    leaf_public = leaf_key.public_key()
    os.makedirs(folder, exist_ok=True)
    for index in range(count):
        sub = os.path.join(folder, f"{index // 100:04d}")
        if index % 100 == 0:
            os.makedirs(sub, exist_ok=True)
        fqdn = f"cms{index}.example.com"
        # 2% expired, 3% within a week, 5% within a month, the rest up to two years out.
        roll = rng.random()
        if roll < 0.02:
            days = -rng.randint(1, 300)
        elif roll < 0.05:
            days = rng.randint(0, 6)
        elif roll < 0.10:
            days = rng.randint(8, 29)
        else:
            days = rng.randint(31, 730)
        not_after = now + datetime.timedelta(days=days, seconds=rng.randint(0, 86399))
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example Inc."),
                x509.NameAttribute(NameOID.COMMON_NAME, fqdn),
            ]))
            .issuer_name(ca_name)
            .public_key(leaf_public)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_after - datetime.timedelta(days=731))
            .not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName([
                x509.DNSName(fqdn), x509.DNSName("join.example.com"), x509.DNSName(f"xmpp{index}.example.com"),
            ]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        )
        certificate = builder.sign(ca_key, hashes.SHA256())
        with open(os.path.join(sub, f"{fqdn}.crt"), "wb") as out:
            out.write(certificate.public_bytes(serialization.Encoding.PEM))


if __name__ == "__main__":
    main()
