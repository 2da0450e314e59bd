#!/usr/bin/env bash
# The expiry benchmark: `cmscerts expiry DIR` (release build) in every output format,
# beside the floor (Benchmarks/floor.c: readdir, openat, read, close, compiled here with
# cc), a Python script using the `cryptography` package and a shell loop of
# `openssl x509`, on a corpus of COUNT real signed certificates, one PEM file each; then,
# with ENDPOINTS=N, N live endpoints probed by `cmscerts expiry --endpoint ...` against a
# serial loop of `openssl s_client` (as ssl-cert-check runs it).
#
# usage: Benchmarks/expiry.sh [COUNT]          (COUNT defaults to 10000)
# env:   CORPUS=DIR         where the corpus is made (default /tmp/cmscerts-bench-COUNT;
#                           made once, reused when it holds COUNT certificates)
#        FORMATS="json table csv prometheus"   the cmscerts formats timed
#        D2I=1              also time --format json --parser openssl (OpenSSL's d2i_X509)
#        OPENSSL_SAMPLE=N   time the openssl loop on the first N files only and scale it
#                           to COUNT (one process per file, so it is linear); default:
#                           the whole corpus; 0 skips it
#        RUNS=N             runs of each command but the openssl loop; the best wall time
#                           is kept, with its CPU time, and the largest RSS (default 3)
#        ENDPOINTS=N        also probe N endpoints on 127.0.0.1 (default 0: skipped):
#                           SILENT (default 20) listeners that never answer, TLS (default
#                           10) openssl s_server, the rest refused ports; each probe has
#                           TIMEOUT seconds (default 3); cmscerts uses --jobs JOBS (32)
#        SKIP_BUILD=1       build nothing: use the existing .build/release/cmscerts
#        STATIC=1           build and time cmscerts with the Swift libraries linked in
#                           (--static-swift-stdlib, in .build-static)
#        BIN=PATH           time this cmscerts instead (with SKIP_BUILD=1)
# needs: swift, cc, python3 with cryptography, openssl, GNU time (/usr/bin/time; apt-get install time)
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${1:-10000}
CORPUS=${CORPUS:-/tmp/cmscerts-bench-$COUNT}
RUNS=${RUNS:-3}
SAMPLE=${OPENSSL_SAMPLE:-$COUNT}
FORMATS=${FORMATS:-json table csv prometheus}
ENDPOINTS=${ENDPOINTS:-0}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 2; }
command -v cc >/dev/null || { echo "cc is missing: apt-get install -y gcc" >&2; exit 2; }

existing=$(find "$CORPUS" -name '*.crt' 2>/dev/null | wc -l || true)
if [ "$existing" -ne "$COUNT" ]; then
    echo "Making $COUNT certificates in $CORPUS ..."
    rm -rf "$CORPUS"
    python3 Benchmarks/make_corpus.py "$CORPUS" "$COUNT"
fi

if [ -n "${STATIC:-}" ]; then
    [ -n "${SKIP_BUILD:-}" ] || swift build -c release --product cmscerts --static-swift-stdlib --scratch-path .build-static >/dev/null
    BIN=${BIN:-.build-static/release/cmscerts}
elif [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c release --product cmscerts >/dev/null
fi
BIN=${BIN:-.build/release/cmscerts}
[ -x "$BIN" ] || { echo "$BIN is missing: run without SKIP_BUILD" >&2; exit 2; }
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
cc -O2 -o "$WORK/floor" Benchmarks/floor.c

# measure NAME COMMAND...: runs it RUNS times under GNU time; prints "wall cpu rss" of
# the fastest run (wall in seconds to the millisecond, from the clock around the run:
# GNU time's own is to 10 ms, too coarse for a 40 ms floor; cpu = user + system
# seconds; rss in MB, the largest of the runs).
measure() {
    local name=$1; shift
    local best="" cpu="" rss=0 started ended
    for _ in $(seq "$RUNS"); do
        started=$(date +%s%N)
        "$TIME" -f "%e %U %S %M" -o "$WORK/time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || true
        ended=$(date +%s%N)
        read -r _ user system kb < <(tail -1 "$WORK/time")
        wall=$(awk "BEGIN{printf \"%.3f\", ($ended - $started) / 1e9}")
        if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then
            best=$wall
            cpu=$(awk "BEGIN{printf \"%.2f\", $user + $system}")
        fi
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    echo "$best $cpu $((rss / 1024))"
}

rows() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$1"; }
line() { printf '%-52s %9s %8s %7s %9s\n' "$@"; }

echo "Corpus: $COUNT certificates in $CORPUS; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(openssl version); Python $(python3 -c 'import cryptography,sys; print(sys.version.split()[0], "cryptography", cryptography.__version__)')"
echo
line "run" "wall (s)" "CPU (s)" "RSS MB" "output"

read -r floor_wall floor_cpu floor_rss < <(measure floor "$WORK/floor" "$CORPUS")
line "C floor: readdir, openat, read, close (floor.c)" "$floor_wall" "$floor_cpu" "$floor_rss" "$(cut -d' ' -f1 "$WORK/floor.out") files"

# What starting the process costs (Foundation, ICU, the argument parser), before any file.
read -r start_wall start_cpu start_rss < <(measure start "$BIN" --help)
line "cmscerts --help (the process start)" "$start_wall" "$start_cpu" "$start_rss" ""

json_wall=""
for format in $FORMATS; do
    read -r wall cpu rss < <(measure "$format" "$BIN" expiry "$CORPUS" --format "$format")
    case $format in
        json) out="$(rows "$WORK/json.out") rows"; json_wall=$wall ;;
        csv) out="$(( $(wc -l < "$WORK/csv.out") - 1 )) rows" ;;
        table) out="$(( $(wc -l < "$WORK/table.out") - 2 )) rows" ;;
        prometheus) out="$(grep -c '^x509_cert_not_after{' "$WORK/prometheus.out") series" ;;
        *) out="" ;;
    esac
    line "cmscerts expiry DIR --format $format" "$wall" "$cpu" "$rss" "$out"
    awk "BEGIN{printf \"%-52s %9s\n\", \"  x the floor\", sprintf(\"%.2fx\", $wall / $floor_wall)}"
done
if [ -n "${D2I:-}" ]; then
    read -r wall cpu rss < <(measure d2i "$BIN" expiry "$CORPUS" --format json --parser openssl)
    line "cmscerts expiry DIR --format json --parser openssl" "$wall" "$cpu" "$rss" "$(rows "$WORK/d2i.out") rows"
fi
read -r py_wall py_cpu py_rss < <(measure python python3 Benchmarks/expiry_cryptography.py "$CORPUS")
line "python3 cryptography script" "$py_wall" "$py_cpu" "$py_rss" "$(rows "$WORK/python.out") rows"

if [ "$SAMPLE" -gt 0 ]; then
    find "$CORPUS" -name "*.crt" | sort | sed -n "1,${SAMPLE}p" > "$WORK/files"
    read -r ossl_wall ossl_cpu ossl_rss < <(RUNS=1 measure openssl bash -c 'while read -r f; do openssl x509 -noout -enddate -subject -in "$f"; done < "$1"' _ "$WORK/files")
    ossl_lines=$(grep -c '^notAfter=' "$WORK/openssl.out" || true)
    if [ "$SAMPLE" -eq "$COUNT" ]; then
        line "openssl x509 shell loop" "$ossl_wall" "$ossl_cpu" "$ossl_rss" "$ossl_lines rows"
    else
        scale() { awk "BEGIN{printf \"%.2f\", $1 * $COUNT / $SAMPLE}"; }
        line "openssl x509 shell loop ($SAMPLE files, scaled)" "$(scale "$ossl_wall")" "$(scale "$ossl_cpu")" "$ossl_rss" "$ossl_lines/$SAMPLE rows"
    fi
fi
if [ -n "$json_wall" ]; then
    echo
    awk "BEGIN{printf \"cmscerts json vs the floor: %.2fx (target <= 2x); vs python: %.1fx faster\n\", $json_wall / $floor_wall, $py_wall / $json_wall}"
fi

[ "$ENDPOINTS" -gt 0 ] || exit 0
SILENT=${SILENT:-20}
TLS=${TLS:-10}
TIMEOUT=${TIMEOUT:-3}
JOBS=${JOBS:-32}
REFUSED=$((ENDPOINTS - SILENT - TLS))
[ "$REFUSED" -ge 0 ] || { echo "ENDPOINTS must be at least SILENT + TLS" >&2; exit 2; }
mkfifo "$WORK/hold"
python3 Benchmarks/endpoints.py "$SILENT" "$((REFUSED + TLS))" < "$WORK/hold" > "$WORK/ports" &
PIDS+=($!)
exec 9>"$WORK/hold"
until grep -q '^ready' "$WORK/ports" 2>/dev/null; do sleep 0.05; done
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/tls.key" -out "$WORK/tls.crt" -days 30 -subj /CN=bench.example.com 2>/dev/null
grep '^refused' "$WORK/ports" | head -n "$TLS" | cut -d' ' -f2 > "$WORK/tls-ports"
while read -r port; do
    openssl s_server -accept "127.0.0.1:$port" -cert "$WORK/tls.crt" -key "$WORK/tls.key" -quiet </dev/null >/dev/null 2>&1 &
    PIDS+=($!)
done < "$WORK/tls-ports"
for port in $(cat "$WORK/tls-ports"); do
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.05; done
done
{ grep '^silent' "$WORK/ports" | cut -d' ' -f2; grep '^refused' "$WORK/ports" | cut -d' ' -f2; } | sort -n > "$WORK/all-ports"
args=()
while read -r port; do args+=(--endpoint "127.0.0.1:$port"); done < "$WORK/all-ports"

echo
echo "Endpoints: $ENDPOINTS on 127.0.0.1 ($SILENT silent, $TLS TLS, $REFUSED refused), $TIMEOUT s timeout each"
line "run" "wall (s)" "CPU (s)" "RSS MB" "output"
read -r wall cpu rss < <(RUNS=1 measure probe "$BIN" expiry "${args[@]}" --timeout "$TIMEOUT" --jobs "$JOBS" --format json)
line "cmscerts expiry --endpoint x$ENDPOINTS --jobs $JOBS" "$wall" "$cpu" "$rss" "$(rows "$WORK/probe.out") rows"
read -r swall scpu srss < <(RUNS=1 measure serial bash -c 'while read -r p; do timeout "$1" openssl s_client -connect "127.0.0.1:$p" -servername bench.example.com </dev/null 2>/dev/null | openssl x509 -noout -enddate 2>/dev/null || echo "unreadable $p"; done < "$2"' _ "$TIMEOUT" "$WORK/all-ports")
line "serial openssl s_client loop (ssl-cert-check)" "$swall" "$scpu" "$srss" "$(grep -c '^notAfter=' "$WORK/serial.out" || true) read"
awk "BEGIN{printf \"cmscerts: %.1f timeouts' worth (one timeout = %s s); the serial loop: %.1f\n\", $wall / $TIMEOUT, $TIMEOUT, $swall / $TIMEOUT}"
