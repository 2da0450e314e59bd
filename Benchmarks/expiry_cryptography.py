#!/usr/bin/env python3
"""The Python baseline of the expiry benchmark: what an admin would write with the
`cryptography` package. Walks DIR, reads every certificate of every .crt/.pem/.cer
file (bundles included) and prints a JSON array of subject, issuer, serial, validity
and days left, as `cmscerts expiry DIR --format json` does.

usage: expiry_cryptography.py DIR
"""
import datetime
import json
import os
import sys

from cryptography import x509
from cryptography.x509.oid import NameOID


def common_name(name: x509.Name):
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return values[0].value if values else None


def main() -> None:
    now = datetime.datetime.now(datetime.timezone.utc)
    rows = []
    for root, dirs, files in os.walk(sys.argv[1]):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith((".crt", ".pem", ".cer")):
                continue
            path = os.path.join(root, name)
            try:
                with open(path, "rb") as handle:
                    certificates = x509.load_pem_x509_certificates(handle.read())
            except (OSError, ValueError) as error:
                rows.append({"file": path, "status": "unreadable", "reason": str(error)})
                continue
            for member, certificate in enumerate(certificates, 1):
                not_after = certificate.not_valid_after_utc
                rows.append({
                    "file": path,
                    "member": member,
                    "commonName": common_name(certificate.subject),
                    "subject": certificate.subject.rfc4514_string(),
                    "issuer": certificate.issuer.rfc4514_string(),
                    "serial": format(certificate.serial_number, "X"),
                    "notBefore": certificate.not_valid_before_utc.isoformat(),
                    "notAfter": not_after.isoformat(),
                    "daysLeft": (not_after - now).days,
                })
    json.dump(rows, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
