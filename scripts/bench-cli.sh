#!/usr/bin/env sh
# The `airgap synth` process end to end, on a release build: start-up, synthesis, writing.
# Uses hyperfine (Debian: apt-get install hyperfine); without it, times a loop of 200 runs.
# Not part of CI: the numbers only mean something on a quiet machine.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin="$PWD/target/release/airgap"
all="notebook,studio,monitoring,ssm,ecr.api,ecr.dkr,kms,codecommit,git-codecommit,servicecatalog,dynamodb"
if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 20 --runs 300 --output=pipe \
    "$bin synth" \
    "$bin synth --format yaml" \
    "$bin synth --zones 6 --endpoint $all" \
    "$bin synth --zones 6 --endpoint $all --format yaml"
else
  for args in "synth" "synth --format yaml"; do
    start=$(date +%s%N)
    i=0
    while [ $i -lt 200 ]; do "$bin" $args >/dev/null; i=$((i + 1)); done
    end=$(date +%s%N)
    echo "airgap $args: $(( (end - start) / 200000 )) µs per run (mean of 200)"
  done
fi
