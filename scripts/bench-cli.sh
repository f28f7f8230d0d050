#!/usr/bin/env sh
# The `airgap synth` process end to end, on a release build: start-up, synthesis, writing; side
# by side with the write-only floor, a Rust process that only writes as many bytes
# (examples/write_floor.rs), so the ratio says what airgap costs beyond writing its output.
# Uses hyperfine (Debian: apt-get install hyperfine); without it, times a loop of 200 runs.
# Then, with perf, the processor time of the two in alternating rounds.
# Not part of CI: the numbers only mean something on a quiet machine; `uptime` is printed so
# the load they were taken under is on record.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin airgap --example write_floor
bin="$PWD/target/release/airgap"
floor="$PWD/target/release/examples/write_floor"
all="notebook,studio,monitoring,ssm,ecr.api,ecr.dkr,kms,codecommit,git-codecommit,servicecatalog,dynamodb"
bytes=$("$bin" synth | wc -c)
bytes_all=$("$bin" synth --zones 6 --endpoint $all | wc -c)
echo "$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load:$(uptime | sed 's/.*load average://')"
echo "airgap synth writes $bytes bytes; with 6 zones and every endpoint, $bytes_all"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 20 --runs 300 --output=pipe \
    "$floor $bytes" \
    "$bin synth" \
    "$bin synth --format yaml" \
    "$floor $bytes_all" \
    "$bin synth --zones 6 --endpoint $all" \
    "$bin synth --zones 6 --endpoint $all --format yaml"
else
  for cmd in "$floor $bytes" "$bin synth" "$bin synth --format yaml"; do
    start=$(date +%s%N)
    i=0
    while [ $i -lt 200 ]; do $cmd >/dev/null; i=$((i + 1)); done
    end=$(date +%s%N)
    echo "$cmd: $(( (end - start) / 200000 )) µs per run (mean of 200)"
  done
fi
# Processor time, which a shared machine disturbs less than the wall clock: rounds of
# `perf stat -r 150 -e task-clock`, alternating between the floor and `airgap synth` so that a
# change in the machine's load falls on both; the lowest and the middle round of each, and
# their ratio. Needs perf (Debian: apt-get install linux-perf).
if command -v perf >/dev/null 2>&1; then
  rounds=12
  floor_ms=""
  synth_ms=""
  i=0
  while [ $i -lt $rounds ]; do
    f=$(perf stat -r 150 -e task-clock "$floor" "$bytes" 2>&1 >/dev/null | awk '/task-clock/ {print $1}')
    s=$(perf stat -r 150 -e task-clock "$bin" synth 2>&1 >/dev/null | awk '/task-clock/ {print $1}')
    floor_ms="$floor_ms $f"
    synth_ms="$synth_ms $s"
    i=$((i + 1))
  done
  lowest() { echo "$1" | tr ' ' '\n' | grep . | sort -n | head -1; }
  middle() { echo "$1" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
  fl=$(lowest "$floor_ms"); fm=$(middle "$floor_ms")
  sl=$(lowest "$synth_ms"); sm=$(middle "$synth_ms")
  echo "processor time, $rounds alternating rounds of 150 runs (lowest / middle round):"
  echo "  the write-only floor: $fl / $fm ms"
  echo "  airgap synth:         $sl / $sm ms"
  awk -v a="$sl" -v b="$fl" -v c="$sm" -v d="$fm" 'BEGIN {printf "  airgap synth / floor: %.2f (lowest rounds), %.2f (middle rounds)\n", a / b, c / d}'
fi
