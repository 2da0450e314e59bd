#!/usr/bin/env bash
# Builds the fuzz harnesses with libFuzzer and AddressSanitizer and runs each for a given
# time on its seed corpus (Fuzz/Corpus/<harness>, made by Fuzz/seeds.sh).
#
#     Fuzz/run.sh [SECONDS] [HARNESS...]      # SECONDS per harness, default 30; all harnesses
#
#   HARNESS        certificate-reader, csr-spec, deployment-file, mmp-output, key-decoder
#   SKIP_BUILD=1   use the executables already in .build-fuzz
#   FUZZ_SCRATCH   another build folder instead of .build-fuzz (the paths below move with it)
#   FUZZ_FLAGS     more libFuzzer options for every harness (e.g. "-jobs=2 -workers=2")
#
# Each harness's log goes to .build-fuzz/logs/<harness>.log, the inputs it found to
# .build-fuzz/corpus/<harness> (kept from run to run; the seed folder is only read), and
# any crash, hang (over 25 s), leak or out-of-memory input to
# .build-fuzz/artifacts/<harness>/ (emptied when that harness runs again). An input that
# took over 10 s but finished (libFuzzer's slow-unit-*) is listed, not a failure: on a
# loaded machine a descheduled process looks slow; replay it to tell. To reproduce an
# input, run the harness on it:
#     .build-fuzz/release/fuzz-<harness> .build-fuzz/artifacts/<harness>/crash-...
# (or the plain build: .build/debug/fuzz-<harness> FILE replays it without libFuzzer).
# A table of executions, exec/s and coverage (libFuzzer's final cov: and ft:) ends the
# output. Exits 1 when any harness found something, 2 when the build fails.
#
# The build needs only the Swift toolchain: libFuzzer and ASan come with it, linked
# with its lld (the system's gold fails on the ASan objects).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-30}
shift || true
all=(certificate-reader csr-spec deployment-file mmp-output key-decoder)
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=("${all[@]}")
scratch=${FUZZ_SCRATCH:-$root/.build-fuzz}

# The input sizes that make sense for each harness (libFuzzer's default is the largest seed).
max_len() {
    case "$1" in
        certificate-reader) echo 16384 ;;
        deployment-file) echo 8192 ;;
        *) echo 4096 ;;
    esac
}

build_flags=(
    -c release --scratch-path "$scratch"
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
    -Xcc -fsanitize=fuzzer-no-link,address
    # SwiftPM's `main` (<Target>_main) is the entry, so nothing pulls in libFuzzer's
    # driver: ask for it, and export it for the harness's dlsym.
    -Xlinker --undefined=LLVMFuzzerRunDriver -Xlinker --export-dynamic-symbol=LLVMFuzzerRunDriver
)
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    mkdir -p "$scratch/logs"
    for harness in "${harnesses[@]}"; do
        echo "== building fuzz-$harness"
        build_log=$scratch/logs/build-$harness.log
        if ! swift build "${build_flags[@]}" --product "fuzz-$harness" >"$build_log" 2>&1; then
            tail -n 40 "$build_log" >&2
            echo "Fuzz/run.sh: the build of fuzz-$harness failed (log: $build_log)" >&2
            exit 2
        fi
    done
fi

failed=()
summary=()
for harness in "${harnesses[@]}"; do
    binary=$scratch/release/fuzz-$harness
    [ -x "$binary" ] || { echo "Fuzz/run.sh: $binary is missing (unset SKIP_BUILD)" >&2; exit 2; }
    seeds=$root/Fuzz/Corpus/$harness
    work=$scratch/corpus/$harness
    artifacts=$scratch/artifacts/$harness
    log=$scratch/logs/$harness.log
    rm -rf "$artifacts"  # what a run finds is its own: copy a reproducer out before running again
    mkdir -p "$work" "$artifacts" "$(dirname "$log")"
    echo "== fuzz-$harness for ${seconds}s (log: $log)"
    # Swift's own crash backtracer would read the dying process's memory under ASan and
    # report itself: libFuzzer reports the crash and writes the input.
    # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of options
    SWIFT_BACKTRACE=enable=no "$binary" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 -max_len="$(max_len "$harness")" \
        -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} "$work" "$seeds" >"$log" 2>&1
    status=$?
    found=$(find "$artifacts" -type f ! -name 'slow-unit-*' | wc -l)
    slow=$(find "$artifacts" -type f -name 'slow-unit-*' | wc -l)
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
    summary+=("$(printf '%-20s %10s runs %7s exec/s  %-22s %s' "$harness" "${runs:-?}" "${speed:-?}" "${cov:-cov: ? ft: ?}" \
        "$([ "$status" -eq 0 ] && [ "$found" -eq 0 ] && echo ok || echo "FOUND $found (exit $status)")$([ "$slow" -eq 0 ] || echo ", $slow slow (replay)")")")
    if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
        failed+=("$harness")
        grep -E '^(==[0-9]+==ERROR|SUMMARY|Fatal error|.*Fatal error:|artifact_prefix|Test unit written)' "$log" | head -n 20
    fi
done

echo "== fuzzing summary (${seconds}s each; ${SECONDS}s in all, the build included)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "Fuzz/run.sh: found crashes in: ${failed[*]} (inputs in $scratch/artifacts/)" >&2
    exit 1
fi
