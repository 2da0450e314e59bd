#!/usr/bin/env bash
# The planning benchmark: `cmscerts plan FILE --offline` (release build) on generated
# deployment files with many SANs (and, with NODES, many nodes).
#
# usage: Benchmarks/plan.sh [SANS ...]       (default: 1000 10000 50000)
# env:   NODES=N       nodes in each file (default 3; the first is the database primary,
#                      the next two join it, the rest take no database role)
#        FLOW=NAME     the flow planned (default fresh)
#        RUNS=N        runs per file; the best wall time is kept (default 3)
#        KEEP=DIR      write the generated files to DIR and keep them (default: a
#                      temporary folder, removed at the end)
#        SKIP_BUILD=1  use the existing .build/release/cmscerts
# needs: swift, awk, GNU time (/usr/bin/time; apt-get install time)
#
# Each file is one sanCertificate deployment (CMS 3.8) whose top-level `sans:` lists
# SANS names (h1.example.com, h2.example.com, ...) in one flow-style list, so that 50,000
# SANs still fit in the 1 MiB a deployment file may hold. The plan is checked to hold
# the CSR with every SAN (and the CN) before its time is reported.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 50000)
NODES=${NODES:-3}
FLOW=${FLOW:-fresh}
RUNS=${RUNS:-3}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 2; }

if [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c release --product cmscerts >/dev/null
fi
BIN=.build/release/cmscerts
if [ -n "${KEEP:-}" ]; then
    WORK=$KEEP
    mkdir -p "$WORK"
else
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi

# deployment SANS NODES > file
deployment() {
    awk -v sans="$1" -v nodes="$2" 'BEGIN {
        print "version: 1"
        print "cms_version: \"3.8\""
        print "domain: example.com"
        print "join_url: join.example.com"
        print "strategy: sanCertificate"
        print "cluster_fqdn: cms.example.com"
        printf "sans: ["
        for (i = 1; i <= sans; i++) printf "%sh%d.example.com", (i > 1 ? ", " : ""), i
        print "]"
        print "nodes:"
        for (n = 1; n <= nodes; n++) {
            role = n == 1 ? "primary" : (n <= 3 ? "joined" : "none")
            printf "  - {name: cms%d, fqdn: cms%d.example.com, address: 10.%d.%d.%d, ", n, n, int(n / 65536) % 256, int(n / 256) % 256, n % 256
            printf "services: [webadmin, callbridge, webbridge3], database: %s}\n", role
        }
    }'
}

printf '%-8s %-6s %-6s %10s %10s %10s %8s\n' "SANs" "nodes" "flow" "file KB" "steps" "wall (s)" "RSS MB"
for sans in "${SIZES[@]}"; do
    file="$WORK/deployment-$sans-$NODES.yaml"
    deployment "$sans" "$NODES" > "$file"
    best="" rss=0
    for _ in $(seq "$RUNS"); do
        "$TIME" -f "%e %M" -o "$WORK/time" "$BIN" plan "$file" --offline --flow "$FLOW" --format json >"$WORK/plan.json" 2>"$WORK/plan.err" \
            || { echo "cmscerts plan failed on $file:" >&2; cat "$WORK/plan.err" >&2; exit 1; }
        read -r wall kb < <(tail -1 "$WORK/time")
        if [ -z "$best" ] || awk "BEGIN{exit !($wall < $best)}"; then best=$wall; fi
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    # The plan must hold every SAN: the last one and the CN in the CSR's subjectAltName.
    grep -q "h$sans.example.com" "$WORK/plan.json" || { echo "the plan for $sans SANs lacks h$sans.example.com" >&2; exit 1; }
    steps=$(grep -c '"articleStep"' "$WORK/plan.json" || true)
    printf '%-8s %-6s %-6s %10s %10s %10s %8s\n' "$sans" "$NODES" "$FLOW" "$(( $(stat -c %s "$file") / 1024 ))" "$steps" "$best" "$(( rss / 1024 ))"
done
