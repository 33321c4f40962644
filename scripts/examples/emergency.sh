#!/usr/bin/env bash
# A whole emergency from a script, using only `rekey`'s exit codes and --json (and jq):
#   1. list the connectors on a compromised certificate (status compromised or targeted),
#   2. map each of their regions to its replacement certificate (newest valid one, key in the vault),
#   3. create and start one campaign over exactly those connectors,
#   4. wait for it (exit 0 only when every item succeeded),
#   5. export the per-connector results as CSV,
#   6. verify the hash-chained audit log.
# Exits 0 when all of that succeeded, 1 when anything did not (the message says what), 2 on bad usage.
#
#   scripts/examples/emergency.sh [--region R] [--group G] [--mode rotate|reestablish] [--out FILE]
#
# Beside `npm start` it needs no configuration; elsewhere set DATABASE_URL and the REKEY_* variables.
# REKEY is the command to run (default: npx rekey).
set -euo pipefail

REKEY=${REKEY:-npx rekey}
filter=()
mode=rotate
out=emergency-results.csv
while [ $# -gt 0 ]; do
  case "$1" in
    --region | --group) filter+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    --mode) mode=${2:?--mode needs rotate or reestablish}; shift 2 ;;
    --out) out=${2:?--out needs a file}; shift 2 ;;
    *) echo "usage: $0 [--region R] [--group G] [--mode rotate|reestablish] [--out FILE]" >&2; exit 2 ;;
  esac
done
command -v jq >/dev/null || { echo "emergency: jq is needed (apt-get install jq)" >&2; exit 1; }
say() { echo "emergency: $*" >&2; }

# 1. What is exposed.
compromised=$($REKEY connectors list --status compromised "${filter[@]}" --json)
targeted=$($REKEY connectors list --status targeted "${filter[@]}" --json)
exposed=$(jq -s 'add' <<<"$compromised$targeted")
count=$(jq 'length' <<<"$exposed")
say "$count connector(s) on a compromised certificate ($(jq 'length' <<<"$targeted") targeted)"

if [ "$count" -gt 0 ]; then
  # 2. Each region's replacement certificate.
  certificates=$($REKEY certificates list --json)
  cert_args=()
  for region in $(jq -r '[.[].tenant.region] | unique | .[]' <<<"$exposed"); do
    id=$(jq -r --arg r "$region" \
      '[.[] | select(.region == $r and .state == "valid" and .hasPrivateKey)] | sort_by(.notAfter) | last | .id // empty' \
      <<<"$certificates")
    if [ -z "$id" ]; then
      say "no replacement certificate for region $region: add one with rekey certificates add FILE --region $region"
      exit 1
    fi
    cert_args+=(--cert "$region=$id")
  done

  # 3. One campaign over exactly those connectors, started at once.
  campaign=$(jq -r '.[].id' <<<"$exposed" |
    $REKEY campaign create --name "Emergency $(date -u +%Y-%m-%dT%H:%MZ)" --connectors-file - \
      --mode "$mode" "${cert_args[@]}" --start --json)
  id=$(jq -r '.id' <<<"$campaign")
  state=$(jq -r '.state' <<<"$campaign")
  say "campaign $id: $(jq -r '.queued' <<<"$campaign") queued, $(jq -r '.skipped' <<<"$campaign") skipped, $state"
  [ "$state" = RUNNING ] || { say "campaign $id did not start ($state)"; exit 1; }

  # 4. Wait: exit 0 only when every item succeeded.
  result=0
  $REKEY campaign status "$id" --watch --interval "${REKEY_WATCH_INTERVAL:-5}" --json >/dev/null || result=1

  # 5. The evidence per connector.
  $REKEY campaign export "$id" --out "$out"
  say "results in $out"
  [ "$result" -eq 0 ] || { say "campaign $id finished with exceptions (see $out)"; exit 1; }
fi

# 6. The audit log is intact.
audit=$($REKEY audit verify --json) || { say "audit log BROKEN: $audit"; exit 1; }
say "audit log intact: $(jq -r '.events' <<<"$audit") event(s)"
