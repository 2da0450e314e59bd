#!/usr/bin/env bash
# What the terminal UI sends over a slow link, and how soon the first frame is up.
#
#   Benchmarks/terminal.sh            # builds release binaries, then measures
#   SKIP_BUILD=1 Benchmarks/terminal.sh
#
# In an 80x24 tmux pane (tmux's pipe-pane records every byte the program writes):
#   - first frame: from starting the program to its first screen being visible, for the
#     widget gallery (tui-demo) and for the wizard's home screen (cmscerts, on a new lab);
#   - bytes for moving the selection one row, and one page, in a 10,000-row table.
# Targets (issue 7): under 300 bytes for the one-row move, first frame under 150 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "tmux is needed: apt-get install tmux" >&2; exit 2; }
if [ -z "${SKIP_BUILD:-}" ]; then
    swift build -c release --product tui-demo >/dev/null
    swift build -c release --product cmscerts >/dev/null
fi
bin=$(swift build -c release --show-bin-path)
work=$(mktemp -d)
sock="bench-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

now_ms() { date +%s%3N; }
screen() { tmux -L "$sock" capture-pane -p -t t 2>/dev/null || true; }
wait_for() { # text, timeout seconds
    local deadline=$(( $(now_ms) + ${2:-10} * 1000 ))
    until screen | grep -qF -- "$1"; do
        [ "$(now_ms)" -lt "$deadline" ] || { echo "timed out waiting for: $1" >&2; screen >&2; exit 1; }
        sleep 0.002
    done
}
size() { stat -c %s "$1" 2>/dev/null || echo 0; }
quiet_size() { # the log's size once it has not grown for 150 ms
    local last=-1 same=0 s
    while [ "$same" -lt 15 ]; do s=$(size "$1"); if [ "$s" = "$last" ]; then same=$((same + 1)); else same=0; last=$s; fi; sleep 0.01; done
    echo "$last"
}
first_frame() { # label, command, text of the first screen
    tmux -L "$sock" kill-server 2>/dev/null || true
    while tmux -L "$sock" has-session 2>/dev/null; do sleep 0.01; done
    sleep 0.1
    tmux -L "$sock" new-session -d -s t -x 80 -y 24 "sleep 0.3; exec $2"
    local start; start=$(( $(now_ms) + 300 ))
    wait_for "$3"
    echo "$1: first frame after $(( $(now_ms) - start )) ms (process start included)"
}

export HOME="$work/home" XDG_DATA_HOME="$work/data"
mkdir -p "$HOME"
first_frame "tui-demo, 10,000-row table" "$bin/tui-demo --rows 10000" "last key: none"
tmux -L "$sock" send-keys -t t Down; wait_for "> Table"
tmux -L "$sock" send-keys -t t Enter; wait_for "host0"
tmux -L "$sock" pipe-pane -o -t t "cat > '$work/out'"
while [ ! -e "$work/out" ]; do sleep 0.005; done
before=$(quiet_size "$work/out")
tmux -L "$sock" send-keys -t t Down; wait_for "last key: ↓"
row=$(( $(quiet_size "$work/out") - before ))
before=$(quiet_size "$work/out")
tmux -L "$sock" send-keys -t t NPage; wait_for "last key: PgDn"
page=$(( $(quiet_size "$work/out") - before ))
echo "one row down in the 10,000-row table: $row bytes (target < 300)"
echo "one page down: $page bytes"
(cd "$work" && first_frame "cmscerts wizard home, new lab" "$bin/cmscerts" "Step 1   CSR builder")
(cd "$work" && first_frame "cmscerts wizard home, existing lab" "$bin/cmscerts" "Step 1   CSR builder")
