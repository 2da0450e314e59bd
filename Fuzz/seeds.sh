#!/usr/bin/env bash
# Writes the fuzzers' seed corpus, Fuzz/Corpus/<harness>/, from what the tests use:
#   certificate-reader  certificates, CSRs and keys of a lab rehearsal and of openssl, in
#                       every format cmscerts reads (PEM, DER, PKCS#7 PEM/DER, PKCS#12
#                       with and without a passphrase, a CRLF bundle, a BOM, text around);
#   csr-spec            Step 1 lines of Tests/PKITests/CSRSpecTests.swift and the planner's
#                       `pki csr` lines of Tests/DeploymentTests/Golden;
#   deployment-file     `cmscerts init`'s example, the lab's file and the test fixtures';
#   mmp-output          what the lab's MMP (cms-lab-node, Sources/Lab) prints for `pki list`,
#                       each service's status and `database cluster status`, before and
#                       after a rehearsal, and its failure answers;
#   key-decoder         key records (see Sources/Fuzz/fuzz-key-decoder): arrows, F-keys,
#                       control keys, text, wide and combining characters.
# The files are committed (a few KB each); run this again when a format changes. It needs
# `swift build` done (cmscerts, cms-lab-node) and openssl. Seeds found by the fuzzer that
# crashed it are kept apart, in Fuzz/Corpus/<harness>/crash-*: this script leaves them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
corpus=$root/Fuzz/Corpus
bin=$root/.build/debug
for tool in cmscerts cms-lab-node; do
    [ -x "$bin/$tool" ] || { echo "seeds.sh: $bin/$tool is missing: run swift build first" >&2; exit 2; }
done
command -v openssl >/dev/null || { echo "seeds.sh: openssl is missing" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fresh() { # empties a harness's folder, keeping the crash reproducers
    mkdir -p "$corpus/$1"
    find "$corpus/$1" -maxdepth 1 -type f ! -name 'crash-*' -delete
}

# --- A lab rehearsal: the lab's files, and its MMP's outputs before and after. ---
lab=$work/lab
"$bin/cmscerts" lab init "$lab" >/dev/null
mmp() { "$bin/cms-lab-node" --lab "$lab" --node "$1" -c "$2" 2>&1 || true; }
fresh mmp-output
out=$corpus/mmp-output
save_outputs() { # $1: a prefix for the file names
    for command in "pki list" webadmin callbridge webbridge webbridge3 xmpp turn "database cluster status"; do
        mmp cms1 "$command" >"$out/$1-cms1-${command// /-}.txt"
    done
    mmp cms2 "database cluster status" >"$out/$1-cms2-database-cluster-status.txt"
}
save_outputs factory
mmp cms1 "pki frobnicate" >"$out/unknown-command.txt"
mmp cms1 "pki csr" >"$out/usage.txt"
mmp cms1 "pki match nothing.key nothing.crt" >"$out/failure.txt"

deployment=$lab/deployment.yaml
first=$("$bin/cmscerts" apply "$deployment" --yes 2>&1 || true)
resume=$(printf '%s\n' "$first" | sed -n 's/.*--resume \([^ ]*\).*/\1/p' | head -n 1)
"$bin/cmscerts" lab sign "$lab" >/dev/null
"$bin/cmscerts" apply "$deployment" --yes --resume "$resume" >/dev/null
save_outputs applied
mmp cms1 "pki match webadmin.key webadmin.crt" >"$out/match.txt"
mmp cms1 "pki verify webadmin.crt ca-bundle.crt" >"$out/verify.txt"
# A status with CRLF line ends, as a terminal may hand it over.
sed 's/$/\r/' "$out/applied-cms1-webadmin.txt" >"$out/applied-cms1-webadmin-crlf.txt"

# --- Deployment files. ---
fresh deployment-file
"$bin/cmscerts" init "$corpus/deployment-file/init-example.yaml" >/dev/null
cp "$deployment" "$corpus/deployment-file/lab.yaml"
# The fixtures of Tests/DeploymentTests/Fixtures.swift: each `static let NAME = """ ... """`.
awk -v dir="$corpus/deployment-file" '
    /static let [A-Za-z0-9]+ = """$/ { name = $3; file = dir "/fixture-" name ".yaml"; inside = 1; next }
    inside && /^    """/ { inside = 0; close(file); next }
    inside { sub(/^    /, ""); print > file }
' Tests/DeploymentTests/Fixtures.swift

# --- Step 1 lines. ---
fresh csr-spec
n=0
line() { n=$((n + 1)); printf '%s' "$1" >"$corpus/csr-spec/test-$n.txt"; }
line 'dbserver CN:cmscore1.example.com subjectAltName:cmscore2.example.com,cmscore3.example.com'
line 'web_admin-1 CN:cms1.example.com OU:"IT Services" O:"Example Inc." ST:Buckinghamshire L:"High Wycombe" C:GB'
line 'x CN:a.example.com subjectAltName:a.example.com,10.1.2.3,2001:db8::1,admin@example.com,*.example.com'
line 'x CN:a.example.com subjectAltName:b.example.com,B.example.com'
line 'web CN:*.example.com'
line 'web CN:a.example.com C:XX'
line 'web cn:a.example.com'
line 'web CN:a.example.com "subjectAltName:a.example.com, b.example.com"'
line 'wéb CN:a.example.com'
line 'web O:"unclosed'
# The planner's own lines (Tests/DeploymentTests/Golden), without `pki csr `.
grep -h 'pki csr ' Tests/DeploymentTests/Golden/*.txt | sed 's/.*pki csr //' | sort -u | head -n 20 | while IFS= read -r planned; do
    n=$((n + 1)); printf '%s' "$planned" >"$corpus/csr-spec/golden-$n.txt"
done

# --- Certificate files. ---
fresh certificate-reader
cr=$corpus/certificate-reader
cp "$lab/cms1/webadmin.crt" "$cr/lab-webadmin.crt"
cp "$lab/ca-bundle.crt" "$cr/lab-ca-bundle.crt"
cp "$lab/cms1/webadmin.csr" "$cr/lab-webadmin.csr" 2>/dev/null || cp "$lab/cms1/"*.csr "$cr/lab.csr" 2>/dev/null || true
cd "$work"
openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -subj "/O=Example Inc./CN=Fuzz Root" -days 3650 -out ca.crt \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out leaf.key 2>/dev/null
openssl req -new -key leaf.key -subj "/C=GB/O=Example Inc./CN=cms1.example.com" -out leaf.csr \
    -addext "subjectAltName=DNS:cms1.example.com,IP:10.1.2.3,email:admin@example.com" 2>/dev/null
printf 'subjectAltName=DNS:cms1.example.com,IP:10.1.2.3\nextendedKeyUsage=serverAuth,clientAuth\n' >ext.cnf
openssl x509 -req -in leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 365 -extfile ext.cnf -out leaf.crt 2>/dev/null
cp leaf.crt "$cr/leaf.pem"
openssl x509 -in leaf.crt -outform DER -out "$cr/leaf.der"
cp leaf.csr "$cr/leaf.csr"
openssl req -in leaf.csr -outform DER -out "$cr/leaf-csr.der"
cat leaf.crt ca.crt >"$cr/chain.pem"
sed 's/$/\r/' "$cr/chain.pem" >"$cr/chain-crlf.pem"
{ printf '\357\273\277'; cat leaf.crt; } >"$cr/bom.pem"
{ echo "Subject: cms1.example.com (text around the block)"; cat leaf.crt; echo "trailing words"; } >"$cr/text-around.pem"
cat leaf.key leaf.crt >"$cr/key-and-certificate.pem"
head -n 5 leaf.crt >"$cr/truncated.pem"
openssl crl2pkcs7 -nocrl -certfile chain.pem -out "$cr/chain.p7b" 2>/dev/null || \
    openssl crl2pkcs7 -nocrl -certfile "$cr/chain.pem" -out "$cr/chain.p7b"
openssl crl2pkcs7 -nocrl -certfile "$cr/chain.pem" -outform DER -out "$cr/chain-p7b.der"
openssl pkcs12 -export -inkey leaf.key -in leaf.crt -certfile ca.crt -passout pass: -out "$cr/no-passphrase.p12"
openssl pkcs12 -export -inkey leaf.key -in leaf.crt -passout pass:secret -out "$cr/passphrase.p12"
# An encrypted key beside its certificate (passphrase `secret`, as the harness tries).
{ openssl pkcs8 -topk8 -in leaf.key -v2 aes-256-cbc -passout pass:secret; cat leaf.crt; } >"$cr/encrypted-key-and-certificate.pem"
cd "$root"

# --- Key records: flag byte (1: a function-key code) and the code, 32-bit little-endian. ---
fresh key-decoder
python3 - "$corpus/key-decoder" <<'PY'
import struct, sys
folder = sys.argv[1]
KEY_DOWN, KEY_UP, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_BACKSPACE, KEY_F0 = 0o402, 0o403, 0o404, 0o405, 0o406, 0o407, 0o410
KEY_DC, KEY_IC, KEY_NPAGE, KEY_PPAGE, KEY_ENTER, KEY_BTAB, KEY_END, KEY_RESIZE = 0o512, 0o513, 0o522, 0o523, 0o527, 0o541, 0o550, 0o632
def key(code): return struct.pack("<BI", 1, code)
def char(c): return struct.pack("<BI", 0, c if isinstance(c, int) else ord(c))
def text(s): return b"".join(char(c) for c in s)
seeds = {
    "arrows-80x24": bytes([80, 24]) + b"".join(key(k) for k in [KEY_DOWN, KEY_UP, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_END, KEY_NPAGE, KEY_PPAGE]),
    "function-keys": bytes([80, 24]) + b"".join(key(KEY_F0 + n) for n in range(1, 25)) + key(KEY_RESIZE) + key(KEY_BTAB),
    "typing-and-editing": bytes([80, 24]) + text("cms2.example.com") + key(KEY_BACKSPACE) + key(KEY_DC) + key(KEY_IC) + char(127) + char(8) + key(KEY_ENTER),
    "control-keys": bytes([80, 24]) + b"".join(char(c) for c in [1, 5, 11, 21, 9, 10, 13, 27, 0, 28, 31, 127]),
    "filter": bytes([40, 10]) + char("/") + text("a") + char(10) + char(27),
    "wide-and-combining": bytes([20, 6]) + text("日本語") + char(0x301) + char(0x1F600) + char(0x200D) + text("é") + char(0x10FFFF),
    "squeezed-1x1": bytes([1, 1]) + text("ab") + key(KEY_DOWN) + char(9),
    "zero-size": bytes([0, 0]) + text("q") + key(KEY_UP),
}
for name, data in seeds.items():
    with open(f"{folder}/{name}.bin", "wb") as f: f.write(data)
PY

for harness in certificate-reader csr-spec deployment-file mmp-output key-decoder; do
    printf '%-20s %3d files %6d bytes\n' "$harness" "$(find "$corpus/$harness" -type f | wc -l)" "$(cat "$corpus/$harness"/* | wc -c)"
done
