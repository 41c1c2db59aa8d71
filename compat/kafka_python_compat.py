#!/usr/bin/python3
"""Drives an Eddy broker with kafka-python, an independent pure-Python implementation of the Kafka protocol.

Usage: kafka_python_compat.py BOOTSTRAP. Prints one PASS/FAIL line per check and exits non-zero on any failure.
"""
import subprocess
import sys
import threading
import time
import uuid

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic

BOOTSTRAP = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9092"
results = []


def check(name, condition, detail=""):
    results.append(condition)
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f": {detail}"), flush=True)


def consumer_end_offsets(topic):
    c = KafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None)
    ends = c.end_offsets([TopicPartition(topic, p) for p in range(3)])
    c.close()
    return [ends[TopicPartition(topic, p)] for p in range(3)]


def main():
    topic = f"py-{uuid.uuid4().hex[:8]}"
    admin = KafkaAdminClient(bootstrap_servers=BOOTSTRAP, client_id="compat-admin")
    admin.create_topics([NewTopic(name=topic, num_partitions=3, replication_factor=1)])
    check("admin create_topics", topic in admin.list_topics())

    base = int(time.time() * 1000) - 60_000
    sent = {0: [], 1: [], 2: []}
    for compression in (None, "gzip"):
        producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all", compression_type=compression, linger_ms=5)
        futures = []
        for i in range(300):
            p = i % 3
            value = f"{compression}-{i}".encode()
            futures.append((p, value, producer.send(topic, key=f"k{i}".encode(), value=value, partition=p,
                                                    timestamp_ms=base + i, headers=[("h", b"x")])))
        producer.flush()
        ok = True
        for p, value, future in futures:
            metadata = future.get(timeout=30)
            ok = ok and metadata.partition == p
            sent[p].append((metadata.offset, value))
        producer.close()
        check(f"producer acks=all compression={compression}", ok)

    consumer = KafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=None, enable_auto_commit=False,
                             consumer_timeout_ms=10_000)
    check("metadata partitions_for_topic", consumer.partitions_for_topic(topic) == {0, 1, 2},
          consumer.partitions_for_topic(topic))
    partitions = [TopicPartition(topic, p) for p in range(3)]
    consumer.assign(partitions)
    consumer.seek_to_beginning()
    received = {0: [], 1: [], 2: []}
    deadline = time.time() + 30
    while sum(len(v) for v in received.values()) < 600 and time.time() < deadline:
        for tp, records in consumer.poll(timeout_ms=1000).items():
            for r in records:
                received[tp.partition].append((r.offset, r.value))
                if r.headers != [("h", b"x")]:
                    check("headers round trip", False, r.headers)
    for p in range(3):
        check(f"consume partition {p} complete and in order", received[p] == sorted(sent[p]),
              f"{len(received[p])} received, {len(sent[p])} sent")

    end = consumer.end_offsets(partitions)
    begin = consumer.beginning_offsets(partitions)
    check("list offsets latest", all(end[tp] == 200 for tp in partitions), end)
    check("list offsets earliest", all(begin[tp] == 0 for tp in partitions), begin)
    found = consumer.offsets_for_times({TopicPartition(topic, 0): base + 150})
    check("offsets_for_times", found[TopicPartition(topic, 0)].offset == 50, found)
    consumer.close()

    # A consumer group: two kafka-python members share a topic that kcat (another client, librdkafka) fills,
    # commit, and a new member resumes from the commits.
    kcat_topic = f"py-kcat-{uuid.uuid4().hex[:6]}"
    admin.create_topics([NewTopic(name=kcat_topic, num_partitions=3, replication_factor=1)])
    for p in range(3):
        lines = "".join(f"k{p}-{i}:value-{p}-{i}\n" for i in range(200)).encode()
        subprocess.run(["kcat", "-b", BOOTSTRAP, "-P", "-t", kcat_topic, "-p", str(p), "-K:"], input=lines, check=True)
    check("kcat producer feeds the group's topic", consumer_end_offsets(kcat_topic) == [200, 200, 200])
    first_topic, topic = topic, kcat_topic
    group = f"py-group-{uuid.uuid4().hex[:6]}"
    members = [KafkaConsumer(topic, bootstrap_servers=BOOTSTRAP, group_id=group, auto_offset_reset="earliest",
                             enable_auto_commit=False, consumer_timeout_ms=15_000) for _ in range(2)]
    read = set()
    lock = threading.Lock()
    deadline = time.time() + 60

    def run(member):
        # Each member polls on its own thread: a member blocked in JoinGroup waits for the others to rejoin.
        while time.time() < deadline:
            with lock:
                if len(read) >= 600:
                    return
            for tp, records in member.poll(timeout_ms=200).items():
                with lock:
                    read.update((tp.partition, r.offset) for r in records)
            member.commit()

    threads = [threading.Thread(target=run, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assigned = [sorted(tp.partition for tp in m.assignment()) for m in members]
    check("group members share the partitions", sorted(assigned[0] + assigned[1]) == [0, 1, 2], assigned)
    check("group reads every record", len(read) == 600, len(read))
    for member in members:
        member.close()
    resumed = KafkaConsumer(bootstrap_servers=BOOTSTRAP, group_id=group, enable_auto_commit=False)
    committed = [resumed.committed(TopicPartition(topic, p)) for p in range(3)]
    check("group committed offsets", committed == [200, 200, 200], committed)
    resumed.close()
    admin.delete_topics([first_topic, topic])
    remaining = admin.list_topics()
    check("admin delete_topics", first_topic not in remaining and topic not in remaining)
    admin.close()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # any exception is a failed check, with its message
        check("kafka-python run", False, repr(e))
    print(f"kafka-python: {sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)
