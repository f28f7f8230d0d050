#!/usr/bin/env sh
# The `airgap synth` process end to end, on a release build: start-up, synthesis, writing; side
# by side with the write-only floor, a Rust process that only writes as many bytes
# (examples/write_floor.rs), so the ratio says what airgap costs beyond writing its output.
# Uses hyperfine (Debian: apt-get install hyperfine); without it, times a loop of 200 runs.
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
