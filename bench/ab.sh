#!/usr/bin/env bash
# Compares the emergency campaign at two git revisions, position by position.
#
#   bench/ab.sh <rev-a> <rev-b> [rounds=2] [connectors=600]
#
# On this machine a campaign run that follows another one is slower than the first run after a
# pause, whatever code runs (bench/README.md, 2026-12-07). So a back-to-back "before, after" pair
# credits the position to the code. This script runs A once to warm up (not counted), then each
# round as A B B A, so each revision takes each position parity equally often, and prints every run
# with its position, then the mean of each revision. Compare the two revisions at the same
# position, not one run against the next.
#
# Each revision runs from its own git worktree (in a temp dir, removed at the end) that shares this
# checkout's node_modules and generated Prisma client, so the schema must be the same at both.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,14p "$0" | sed 's/^# \{0,1\}//'; exit 2; }
rev_a=$1 rev_b=$2 rounds=${3:-2} connectors=${4:-600}
root=$(pwd)
tmp=$(mktemp -d /tmp/rekey-ab-XXXXXX)
cleanup() {
  git -C "$root" worktree remove --force "$tmp/a" >/dev/null 2>&1 || true
  git -C "$root" worktree remove --force "$tmp/b" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
rev_of() { if [ "$1" = a ]; then echo "$rev_a"; else echo "$rev_b"; fi; }
# One campaign of `connectors` at revision $1 (a or b), its output in $2.
campaign() { (cd "$tmp/$1" && npx tsx bench/emergency-campaign.ts "$connectors" 10 >"$2" 2>&1) || { tail -20 "$2"; exit 1; }; }
for side in a b; do
  git worktree add --detach -q "$tmp/$side" "$(rev_of $side)"
  ln -s "$root/node_modules" "$tmp/$side/node_modules"
  cp -r "$root/generated" "$tmp/$side/generated"
done

position=0
run() {
  local side=$1
  position=$((position + 1))
  local log="$tmp/run-$position-$side.log"
  echo "position $position: $side ($(rev_of "$side"))…"
  campaign "$side" "$log"
  local rate cpu workers pg
  rate=$(grep -m1 'achieved' "$log" | sed -E 's/.*achieved +([0-9.]+) rotations\/s.*/\1/')
  cpu=$(grep -m1 'CPU per rotation' "$log" | sed -E 's/.*= ([0-9.]+) ms \(target.*/\1/')
  # The parts: what a change to the workers' code moves first, and PostgreSQL.
  workers=$(grep -m1 'CPU per rotation' "$log" | sed -E 's/.*workers ([0-9.]+) ms.*/\1/')
  pg=$(grep -m1 'CPU per rotation' "$log" | sed -E 's/.*PostgreSQL ([0-9.]+) ms.*/\1/')
  echo "$position $side $rate $cpu $workers $pg" >>"$tmp/results"
  printf 'position %-2s %s (%s)  %6s rotations/s  %6s ms of CPU per rotation (workers %s, PostgreSQL %s)\n' \
    "$position" "$side" "$(rev_of "$side")" "$rate" "$cpu" "$workers" "$pg"
}
# The first run after a pause is the fastest: a warm-up run of A takes that place and is not counted.
echo "warm-up run of a ($rev_a), not counted…"
campaign a "$tmp/warm-up.log"
for _ in $(seq 1 "$rounds"); do
  run a
  run b
  run b
  run a
done
awk '{ n[$2]++; r[$2] += $3; c[$2] += $4; w[$2] += $5; p[$2] += $6 }
     END { for (s in n) printf "%s: mean %.2f rotations/s, %.1f ms of CPU per rotation (workers %.1f, PostgreSQL %.1f) over %d runs\n", s, r[s] / n[s], c[s] / n[s], w[s] / n[s], p[s] / n[s], n[s] }' \
  "$tmp/results" | sort
