#!/usr/bin/env bash
# Proves the README's first run on a fresh clone, as a new user would do it: no .data/, no
# demo-output/, no environment. Clones the committed HEAD into an empty temporary folder, runs the
# README's start command, waits for /health, runs the README's curl round trip (send as the
# province's clerk, accept as the health department's) and `npm run demo`. Any failure is red:
# a README command that breaks must fail CI (it once failed on every fresh clone).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
port="${README_RUN_PORT:-3987}"
work="$(mktemp -d /tmp/docaxis-first-run.XXXXXX)"
log="$work/start.log"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM -- "-$server_pid" 2>/dev/null || kill -TERM "$server_pid" 2>/dev/null || true; fi
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "readme-first-run: $*" >&2; [ -f "$log" ] && tail -30 "$log" >&2; exit 1; }

# The commands this script runs must be the ones the README gives.
for line in 'npm install && npm start' 'npm test' 'npm run demo' \
  '-F metadata=@meta.json -F file=@demo-output/3-sealed-by-agency.pdf $API/documents' \
  "-d '{\"status\":\"03\"}' \$API/documents/\$ID/status"; do
  grep -qF -- "$line" "$repo/README.md" || fail "the README no longer says: $line"
done

git clone -q --no-hardlinks "$repo" "$work/docaxis"
cd "$work/docaxis"
[ ! -e .data ] && [ ! -e demo-output ] || fail 'the fresh clone is not fresh'

echo "readme-first-run: npm install && npm start (fresh clone in $work)"
# A new process group, so that cleanup stops npm and the node it starts together.
env -i PATH="$PATH" HOME="$HOME" PORT="$port" setsid bash -c 'npm install --no-audit --no-fund && npm start' >"$log" 2>&1 &
server_pid=$!
api="http://127.0.0.1:$port/api/v1"
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || fail 'npm start exited before /health answered'
  sleep 1
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || fail '/health did not answer within 300 s'
if grep -q 'EBADENGINE' "$log"; then fail 'npm install warned EBADENGINE'; fi

token() { awk -v code="$1" '$1 == "clerk" && $2 == code { print $NF; exit }' "$log"; }
PROVINCE="$(token 000.00.00.H54)"
HEALTH="$(token 000.00.12.H54)"
[ -n "$PROVINCE" ] && [ -n "$HEALTH" ] || fail 'the demo tokens were not printed'

echo 'readme-first-run: the curl round trip'
curl -sf -H "Authorization: Bearer $PROVINCE" "$api/agencies" | grep -q '000.00.12.H54' || fail 'GET /agencies'
npm run demo >"$work/demo.log" 2>&1 || fail "npm run demo failed: $(tail -5 "$work/demo.log")"
[ -s demo-output/3-sealed-by-agency.pdf ] || fail 'npm run demo wrote no demo-output/3-sealed-by-agency.pdf'
grep -q 'VALID' "$work/demo.log" || fail 'npm run demo did not print a valid report'
cat >meta.json <<'JSON'
{ "codeNumber": "123", "codeNotation": "UBND-VP", "documentType": "Công văn",
  "subject": "V/v thử nghiệm trục liên thông văn bản", "promulgationPlace": "Thái Bình",
  "signer": { "competence": "TM. ỦY BAN NHÂN DÂN", "position": "CHỦ TỊCH", "fullName": "Nguyễn Văn An" },
  "priority": 0, "recipients": ["000.00.12.H54"], "classification": "NONE" }
JSON
sent="$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $PROVINCE" -H "Idempotency-Key: letter-123" \
  -F metadata=@meta.json -F file=@demo-output/3-sealed-by-agency.pdf "$api/documents")"
[ "$(tail -1 <<<"$sent")" = 201 ] || fail "send answered $(tail -1 <<<"$sent"): $(head -c 600 <<<"$sent")"
ID="$(head -1 <<<"$sent" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.id??j.document?.id??"")})')"
[ -n "$ID" ] || fail "no document id in the send's answer: $(head -c 400 <<<"$sent")"
curl -sf -H "Authorization: Bearer $HEALTH" "$api/inbox" | grep -q "$ID" || fail 'the document is not in the recipient inbox'
curl -sf -H "Authorization: Bearer $HEALTH" "$api/documents/$ID" >/dev/null || fail 'GET /documents/ID as the recipient'
sha="$(curl -sf -D "$work/headers" -o received.pdf -H "Authorization: Bearer $HEALTH" "$api/documents/$ID/file" && sha256sum received.pdf | cut -d' ' -f1)"
grep -qi "x-content-sha256: $sha" "$work/headers" || fail 'X-Content-SHA256 does not match the downloaded file'
cmp -s received.pdf demo-output/3-sealed-by-agency.pdf || fail 'the downloaded file differs from the sent one'
curl -sf -H "Authorization: Bearer $HEALTH" -H 'Content-Type: application/json' -d '{"status":"03"}' "$api/documents/$ID/status" >/dev/null ||
  fail 'accepting the document (status 03)'
curl -sf -H "Authorization: Bearer $PROVINCE" "$api/documents/$ID" | grep -q '"03"' || fail 'the sender does not see status 03'
echo 'readme-first-run: passed (fresh clone: npm install && npm start, curl round trip, npm run demo)'
