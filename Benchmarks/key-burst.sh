#!/usr/bin/env bash
# How soon the wizard answers 50 Down keys that arrive at once (a held key over a slow
# link): the time from sending them to the first byte drawn, on the expiry dashboard of
# N certificates (default 2,000), in an 80x24 tmux pane (tmux's pipe-pane records what
# the program writes). Issue 16: the keys are handled together before one frame.
#
#   Benchmarks/key-burst.sh [N]            # builds a release cmscerts, then measures
#   SKIP_BUILD=1 BIN=.build/debug/cmscerts Benchmarks/key-burst.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux is needed: apt-get install tmux" >&2; exit 2; }
count=${1:-2000}
if [ -z "${BIN:-}" ]; then
    [ -n "${SKIP_BUILD:-}" ] || swift build -c release --product cmscerts >/dev/null
    BIN="$(swift build -c release --show-bin-path)/cmscerts"
fi
BIN=$(realpath "$BIN")
work=$(mktemp -d)
sock="burst-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

# N certificates from one CA and one reused P-256 key: only the signing costs.
mkdir -p "$work/certs" "$work/home/work"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/ca.key" -out "$work/ca.crt" \
    -days 3650 -subj "/CN=Bench CA" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/leaf.key" -out "$work/leaf.csr" -subj "/CN=leaf" 2>/dev/null
for i in $(seq 1 "$count"); do
    openssl x509 -req -in "$work/leaf.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -set_serial "$i" \
        -days $((30 + i % 400)) -out "$work/certs/c$i.crt" 2>/dev/null
done

screen() { tmux -L "$sock" capture-pane -p -t t 2>/dev/null || true; }
wait_for() { # text; gives up after 120 s
    local deadline=$(( $(date +%s) + 120 ))
    until screen | grep -qF -- "$1"; do
        [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for: $1" >&2; screen >&2; exit 1; }
        sleep 0.02
    done
}
tmux -L "$sock" new-session -d -s t -x 80 -y 24 \
    "cd '$work/home/work' && env HOME='$work/home' XDG_DATA_HOME='$work/home/data' LANG=C.UTF-8 TERM=xterm-256color '$BIN'"
wait_for "Step 1"
cp -r "$work/certs" "$work/home/data/cmscerts/lab/bench"
for _ in 1 2 3 4 5 6 7; do tmux -L "$sock" send-keys -t t Down; done
tmux -L "$sock" send-keys -t t Enter
wait_for "in use:"
sleep 1
keys=$(printf 'Down %.0s' $(seq 50))
for run in 1 2 3; do
    rm -f "$work/out.log"
    tmux -L "$sock" pipe-pane -t t -o "cat > '$work/out.log'"
    sleep 0.3
    t0=$(date +%s%N)
    # shellcheck disable=SC2086
    tmux -L "$sock" send-keys -t t $keys
    until [ -s "$work/out.log" ]; do sleep 0.001; [ $(( $(date +%s%N) - t0 )) -lt 30000000000 ] || { echo "no output in 30 s" >&2; exit 1; }; done
    t1=$(date +%s%N)
    echo "run $run: 50 Down keys, first byte after $(( (t1 - t0) / 1000000 )) ms"
    sleep 1
    tmux -L "$sock" pipe-pane -t t
done
