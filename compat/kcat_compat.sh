#!/usr/bin/env bash
# Drives an Eddy broker with kcat (librdkafka 2.0.2): metadata, produce, consume, query offsets by time.
# Usage: kcat_compat.sh BOOTSTRAP. Prints one PASS/FAIL line per check; exits non-zero on any failure.
set -uo pipefail
BOOTSTRAP=${1:-127.0.0.1:9092}
topic="kcat-$RANDOM$RANDOM"
passed=0
failed=0
check() {
  local name=$1; shift
  if "$@"; then echo "PASS $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seq 1 1000 | awk '{print "key" $1 ":value-" $1}' > "$work/in.txt"
kcat -b "$BOOTSTRAP" -P -t "$topic" -p 0 -K: -X acks=all -z lz4 < "$work/in.txt" 2> "$work/produce.err"
check "kcat produce (lz4, keys)" test $? -eq 0

kcat -b "$BOOTSTRAP" -C -t "$topic" -p 0 -o beginning -e -f '%k:%s\n' -q > "$work/out.txt" 2> "$work/consume.err"
check "kcat consume 1000 records in order" cmp -s "$work/in.txt" "$work/out.txt"

kcat -b "$BOOTSTRAP" -C -t "$topic" -p 0 -o 990 -e -f '%o %k\n' -q > "$work/tail.txt"
check "kcat consume from offset" test "$(head -1 "$work/tail.txt")" = "990 key991"

kcat -b "$BOOTSTRAP" -L -t "$topic" > "$work/meta.txt" 2>&1
check "kcat metadata lists the 1 auto-created partition (num.partitions)" grep -q "topic \"$topic\" with 1 partitions" "$work/meta.txt"

echo "h1" | kcat -b "$BOOTSTRAP" -P -t "$topic" -p 0 -H trace=abc -k k1
kcat -b "$BOOTSTRAP" -C -t "$topic" -p 0 -o beginning -e -q -f '%h %k %s\n' > "$work/headers.txt"
check "kcat headers round trip" grep -q "trace=abc k1 h1" "$work/headers.txt"

now=$(($(date +%s) * 1000))
kcat -b "$BOOTSTRAP" -Q -t "$topic:0:$((now - 3600000))" > "$work/query.txt" 2>&1
check "kcat query offset by timestamp" grep -q "offset 0" "$work/query.txt"

kcat -b "$BOOTSTRAP" -C -t "$topic" -p 0 -o -5 -e -q -J > "$work/json.txt"
check "kcat JSON envelope (last 5)" test "$(wc -l < "$work/json.txt")" -eq 5

timeout 60 kcat -b "$BOOTSTRAP" -G "kcat-group-$RANDOM" -o beginning -e -q -f '%s\n' "$topic" > "$work/group.txt" 2> "$work/group.err"
check "kcat balanced consumer (-G) reads every record" test "$(wc -l < "$work/group.txt")" -eq 1001

echo "kcat: $passed passed, $failed failed"
test "$failed" -eq 0
