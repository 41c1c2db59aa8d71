#!/usr/bin/env bash
# Drives an Eddy broker with Burrow (Debian's burrow 1.2.1, on sarama 1.22), LinkedIn's consumer-lag monitor, which
# reads committed offsets straight from __consumer_offsets: a private ZooKeeper (Debian's zookeeper 3.8) for Burrow's
# own state, a topic of 1000 records, a group whose commits leave it exactly 400 records behind, and Burrow's HTTP API.
# Usage: burrow_compat.sh BOOTSTRAP (needs burrow, zookeeper and python3-confluent-kafka). Prints one PASS/FAIL line
# per check; exits non-zero on any failure. Everything it starts is stopped on exit.
set -uo pipefail
BOOTSTRAP=${1:-127.0.0.1:9092}
PY=/usr/bin/python3
suffix="$RANDOM$RANDOM"
topic="burrow-$suffix"
group="burrow-group-$suffix"
passed=0
failed=0
check() {
  local name=$1; shift
  if "$@"; then echo "PASS $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}

work=$(mktemp -d)
zk_pid=""
burrow_pid=""
stop() { # stop a process this script started: TERM, then KILL after 10 s
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
cleanup() {
  stop "$burrow_pid"
  stop "$zk_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Two free loopback ports (for ZooKeeper's clients and Burrow's HTTP server).
read -r zk_port http_port < <("$PY" - <<'EOF'
import random, socket
ports = []
for port in random.sample(range(29100, 30000), 900):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        ports.append(port)
    except OSError:
        pass
    finally:
        s.close()
    if len(ports) == 2:
        break
print(*ports)
EOF
)

# Reads Burrow's HTTP API: http_get PATH prints the JSON body (empty on any error).
http_get() { curl -s --max-time 5 "http://127.0.0.1:$http_port$1" 2>/dev/null; }
# json EXPR: evaluates a Python expression over the JSON on stdin (as j); prints the result, or nothing.
json() { "$PY" -c "import json,sys
try:
    j = json.load(sys.stdin); print($1)
except Exception:
    pass" 2>/dev/null; }
# poll SECONDS COMMAND...: runs the command every 0.5 s until it succeeds, SECONDS pass, or it exits 2 (hopeless).
poll() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [ $? -eq 2 ] || [ "$SECONDS" -ge "$deadline" ] && return 1
    sleep 0.5
  done
}

# --- ZooKeeper: standalone, its own data dir, loopback only, no admin server (3.8 would open one on 8080) -------------
mkdir -p "$work/zk/data" "$work/zk/conf"
cat > "$work/zk/conf/zoo.cfg" <<EOF
tickTime=2000
dataDir=$work/zk/data
clientPort=$zk_port
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr
EOF
zk_classpath="$work/zk/conf:/usr/share/java/zookeeper.jar"
[ -f /usr/share/java/slf4j-simple.jar ] && zk_classpath="$zk_classpath:/usr/share/java/slf4j-simple.jar"
java -cp "$zk_classpath" -Dzookeeper.admin.enableServer=false -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  org.apache.zookeeper.server.ZooKeeperServerMain "$work/zk/conf/zoo.cfg" > "$work/zk.log" 2>&1 &
zk_pid=$!
# "srvr" answers "Mode: standalone" once the server serves requests ("ruok" answers imok before that).
zk_ok() { (exec 3<>"/dev/tcp/127.0.0.1/$zk_port" && echo srvr >&3 && timeout 2 cat <&3) 2>/dev/null | grep -q '^Mode: standalone'; }
check "zookeeper 3.8 starts on 127.0.0.1:$zk_port (admin server off)" poll 30 zk_ok

# --- a topic of 1000 records: 4 partitions x 250 ----------------------------------------------------------------------
timeout 60 "$PY" - "$BOOTSTRAP" "$topic" > "$work/produce.txt" 2>&1 <<'EOF'
import sys
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, topic = sys.argv[1:3]
admin = AdminClient({"bootstrap.servers": bootstrap})
for future in admin.create_topics([NewTopic(topic, num_partitions=4, replication_factor=1)]).values():
    future.result(30)
producer = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5})
errors = []
delivered = [0, 0, 0, 0]
def report(err, msg):
    if err is not None:
        errors.append(str(err))
    else:
        delivered[msg.partition()] += 1
for i in range(1000):
    producer.produce(topic, key=f"k{i}", value=f"v{i}", partition=i % 4, on_delivery=report)
producer.flush(30)
print(*delivered, *errors[:3])
EOF
check "produce 1000 records to a 4-partition topic" test "$(cat "$work/produce.txt")" = "250 250 250 250"

# --- Burrow: cluster eddy, a kafka consumer module reading __consumer_offsets, HTTP on loopback, no notifiers ---------
# kafka-version 2.0.0 is the newest Burrow 1.2.1 knows; sarama then uses Fetch v4+ (Eddy serves Fetch 4-12).
mkdir -p "$work/burrow"
cat > "$work/burrow/burrow.toml" <<EOF
[general]
pidfile="$work/burrow.pid"

[logging]
filename="$work/burrow.log"
level="debug"

[zookeeper]
servers=["127.0.0.1:$zk_port"]
timeout=6
root-path="/burrow"

[client-profile.eddy]
client-id="burrow-compat"
kafka-version="2.0.0"

[cluster.eddy]
class-name="kafka"
servers=["$BOOTSTRAP"]
client-profile="eddy"
topic-refresh=2
offset-refresh=2

[consumer.eddy]
class-name="kafka"
cluster="eddy"
servers=["$BOOTSTRAP"]
client-profile="eddy"
offsets-topic="__consumer_offsets"
start-latest=false

[httpserver.default]
address="127.0.0.1:$http_port"

[storage.default]
class-name="inmemory"
workers=4
intervals=10
expire-group=604800
min-distance=1

[evaluator.default]
class-name="caching"
expire-cache=1
EOF
Burrow -config-dir "$work/burrow" > "$work/burrow.out" 2>&1 &
burrow_pid=$!
burrow_alive() { kill -0 "$burrow_pid" 2>/dev/null || return 2; } # a Burrow that exited will not answer
burrow_up() { burrow_alive && [ "$(http_get /v3/kafka | json '" ".join(j["clusters"])')" = eddy ]; }
check "burrow starts and lists cluster eddy" poll 30 burrow_up

topic_listed() { burrow_alive || return 2; http_get /v3/kafka/eddy/topic | json '"\n".join(j["topics"])' | grep -qx "$topic"; }
check "burrow lists the topic (/v3/kafka/eddy/topic)" poll 30 topic_listed
topic_offsets() { burrow_alive || return 2; [ "$(http_get "/v3/kafka/eddy/topic/$topic" | json '" ".join(map(str, j["offsets"]))')" = "250 250 250 250" ]; }
check "burrow reads the topic's end offsets (/v3/kafka/eddy/topic/TOPIC)" poll 30 topic_offsets

# --- the group commits 150 of each partition's 250 records: 600 of 1000, a lag of 400 ---------------------------------
# (after Burrow knows the topic's offsets: Burrow drops commits for partitions it has no broker offsets for)
timeout 60 "$PY" - "$BOOTSTRAP" "$topic" "$group" > "$work/commit.txt" 2>&1 <<'EOF'
import sys
from confluent_kafka import Consumer, TopicPartition
bootstrap, topic, group = sys.argv[1:4]
consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
consumer.commit(offsets=[TopicPartition(topic, p, 150) for p in range(4)], asynchronous=False)
print(*[tp.offset for tp in consumer.committed([TopicPartition(topic, p) for p in range(4)], timeout=30)])
consumer.close()
EOF
check "the group commits offsets totalling 600" test "$(cat "$work/commit.txt")" = "150 150 150 150"

group_listed() { burrow_alive || return 2; http_get /v3/kafka/eddy/consumer | json '"\n".join(j["consumers"])' | grep -qx "$group"; }
lag_deadline=$((SECONDS + 60)) # both below share one minute
check "burrow lists the group (/v3/kafka/eddy/consumer)" poll 60 group_listed
total_lag() { burrow_alive || return 2; [ "$(http_get "/v3/kafka/eddy/consumer/$group/lag" | json 'j["status"]["totallag"]')" = 400 ]; }
check "burrow reports the group's total lag as 400 (/v3/kafka/eddy/consumer/GROUP/lag)" \
  poll $((lag_deadline > SECONDS ? lag_deadline - SECONDS : 1)) total_lag

if [ "$failed" -gt 0 ]; then
  log="$work/burrow.log"
  {
    echo "--- burrow_compat.sh diagnostics (topic $topic, group $group) ---"
    echo "produce: $(cat "$work/produce.txt")"
    echo "commit: $(cat "$work/commit.txt")"
    echo "burrow topics: $(http_get /v3/kafka/eddy/topic | json 'j["topics"]')"
    echo "burrow's end offsets of __consumer_offsets: $(http_get /v3/kafka/eddy/topic/__consumer_offsets | json 'j["offsets"]')"
    echo "burrow consumers: $(http_get /v3/kafka/eddy/consumer | json 'j["consumers"]')"
    echo "burrow lag: $(http_get "/v3/kafka/eddy/consumer/$group/lag")"
    echo "burrow stdout/stderr:"; tail -5 "$work/burrow.out"
    echo "burrow log about __consumer_offsets (info and above, but the group metadata it cannot decode):"
    grep -F __consumer_offsets "$log" | grep -v -E '"level":"debug"|"msg":"failed to decode"' | tail -10
    echo "  $(grep -c '"msg":"consumer offset"' "$log") offset commits and" \
      "$(grep -c '"msg":"dropped tombstone"' "$log") tombstones read from __consumer_offsets; the last commit:"
    grep '"msg":"consumer offset"' "$log" | tail -1
    echo "  $(grep -c '"msg":"consumer offset".*'"$group" "$log") of them of group $group;" \
      "$(grep -c '"msg":"failed to decode"' "$log") records not decoded, the first:"
    grep -m1 '"msg":"failed to decode"' "$log"
    echo "burrow warnings and errors (other than the lag polls' 'unknown consumer'):"
    grep -E '"level":"(warn|error|fatal|panic)"' "$log" | grep -v -E '"msg":"(failed to decode|unknown consumer)"' | tail -10
    echo "zookeeper log:"; tail -5 "$work/zk.log"
  } >&2
fi
echo "burrow: $passed passed, $failed failed"
test "$failed" -eq 0
