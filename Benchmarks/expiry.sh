#!/usr/bin/env bash
# The expiry benchmark: `cmscerts expiry DIR --format json` (release build) against a
# shell loop of `openssl x509 -noout -enddate -subject` and a Python script using the
# `cryptography` package, on a corpus of COUNT real signed certificates.
#
# usage: Benchmarks/expiry.sh [COUNT]          (COUNT defaults to 10000)
# env:   CORPUS=DIR         where the corpus is made (default /tmp/cmscerts-bench-COUNT;
#                           made once, reused when it holds COUNT certificates)
#        OPENSSL_SAMPLE=N   time the openssl loop on the first N files only and scale it
#                           to COUNT (the loop costs one process per file, so it is linear);
#                           default: the whole corpus
#        RUNS=N             runs of cmscerts and Python; the best wall time is kept (default 3)
#        SKIP_BUILD=1       use the existing .build/release/cmscerts
# needs: swift, python3 with cryptography, openssl, GNU time (/usr/bin/time; apt-get install time)
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-10000}
CORPUS=${CORPUS:-/tmp/cmscerts-bench-$COUNT}
RUNS=${RUNS:-3}
SAMPLE=${OPENSSL_SAMPLE:-$COUNT}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 2; }

existing=$(find "$CORPUS" -name '*.crt' 2>/dev/null | wc -l || true)
if [ "$existing" -ne "$COUNT" ]; then
    echo "Making $COUNT certificates in $CORPUS ..."
    rm -rf "$CORPUS"
    python3 Benchmarks/make_corpus.py "$CORPUS" "$COUNT"
fi

if [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c release --product cmscerts >/dev/null
fi
BIN=.build/release/cmscerts
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# measure NAME COMMAND...: runs it RUNS times under GNU time; prints "wall rss" of the
# fastest run (rss in MB, the largest of the runs).
measure() {
    local name=$1; shift
    local best="" rss=0
    for _ in $(seq "$RUNS"); do
        "$TIME" -f "%e %M" -o "$WORK/time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || true
        read -r wall kb < <(tail -1 "$WORK/time")
        if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    echo "$best $((rss / 1024))"
}

rows() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$1"; }

echo "Corpus: $COUNT certificates in $CORPUS; $(nproc) cores; $(openssl version); Python $(python3 -c 'import cryptography,sys; print(sys.version.split()[0], "cryptography", cryptography.__version__)')"

read -r lean_wall lean_rss < <(measure lean "$BIN" expiry "$CORPUS" --format json)
lean_rows=$(rows "$WORK/lean.out")
read -r d2i_wall d2i_rss < <(measure d2i "$BIN" expiry "$CORPUS" --format json --parser openssl)
d2i_rows=$(rows "$WORK/d2i.out")
read -r py_wall py_rss < <(measure python python3 Benchmarks/expiry_cryptography.py "$CORPUS")
py_rows=$(rows "$WORK/python.out")

find "$CORPUS" -name "*.crt" | sort | sed -n "1,${SAMPLE}p" > "$WORK/files"
read -r ossl_wall ossl_rss < <(RUNS=1 measure openssl bash -c 'while read -r f; do openssl x509 -noout -enddate -subject -in "$f"; done < "$1"' _ "$WORK/files")
ossl_lines=$(grep -c '^notAfter=' "$WORK/openssl.out" || true)
ossl_scaled=$(awk "BEGIN{printf \"%.2f\", $ossl_wall * $COUNT / $SAMPLE}")

printf '\n%-46s %10s %8s %8s\n' "run" "wall (s)" "RSS MB" "rows"
printf '%-46s %10s %8s %8s\n' "cmscerts expiry --format json (lean DER walker)" "$lean_wall" "$lean_rss" "$lean_rows"
printf '%-46s %10s %8s %8s\n' "cmscerts expiry --format json --parser openssl" "$d2i_wall" "$d2i_rss" "$d2i_rows"
printf '%-46s %10s %8s %8s\n' "python3 cryptography script" "$py_wall" "$py_rss" "$py_rows"
if [ "$SAMPLE" -eq "$COUNT" ]; then
    printf '%-46s %10s %8s %8s\n' "openssl x509 shell loop" "$ossl_wall" "$ossl_rss" "$ossl_lines"
else
    printf '%-46s %10s %8s %8s\n' "openssl x509 shell loop ($SAMPLE files, scaled)" "$ossl_scaled" "$ossl_rss" "$ossl_lines/$SAMPLE"
fi
echo
awk "BEGIN{printf \"cmscerts vs openssl loop: %.0fx faster (target >= 300x)\n\", $ossl_scaled / $lean_wall}"
awk "BEGIN{printf \"cmscerts vs python:       %.1fx faster (target >= 2x)\n\", $py_wall / $lean_wall}"
awk "BEGIN{printf \"lean walker vs d2i_X509:  %.1fx faster\n\", $d2i_wall / $lean_wall}"
echo "cmscerts peak RSS: ${lean_rss} MB (target < 100 MB)"
