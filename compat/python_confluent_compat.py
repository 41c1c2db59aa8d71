#!/usr/bin/python3
"""Drives an Eddy broker's idempotence and transactions with confluent-kafka-python (Debian's python3-confluent-kafka,
on the system's librdkafka): a second client build, older than the one Confluent.Kafka bundles.

Usage: python_confluent_compat.py BOOTSTRAP. Prints one PASS/FAIL line per check and exits non-zero on any failure.
"""
import sys
import time
import uuid

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

BOOTSTRAP = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:9092"
TIMEOUT = 30
results = []


def check(name, condition, detail=""):
    results.append(bool(condition))
    print(("PASS " if condition else "FAIL ") + name + ("" if condition else f": {detail}"), flush=True)


def create_topics(admin, specs):
    futures = admin.create_topics([NewTopic(name, num_partitions=n, replication_factor=1) for name, n in specs])
    for future in futures.values():
        future.result(timeout=TIMEOUT)


class Deliveries:
    """Delivery reports: (partition, offset, value) of each record written, and the errors."""

    def __init__(self):
        self.written = []
        self.errors = []

    def __call__(self, err, msg):
        if err is not None:
            self.errors.append(f"{msg.value()!r}: {err}")
        else:
            self.written.append((msg.partition(), msg.offset(), msg.value().decode()))

    def of(self, partition, values=None):
        """The records written to a partition (only those whose value is in values, when given), in offset order."""
        return sorted((o, v) for p, o, v in self.written if p == partition and (values is None or v in values))


def read_to_end(topic, partitions, isolation):
    """Reads every partition from the beginning to its end: {partition: [(offset, value)]}, {partition: eof offset}."""
    consumer = Consumer({
        "bootstrap.servers": BOOTSTRAP,
        "group.id": f"py-reader-{uuid.uuid4().hex[:8]}",
        "enable.auto.commit": False,
        "enable.partition.eof": True,
        "isolation.level": isolation,
    })
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    records = {p: [] for p in range(partitions)}
    eof = {}
    deadline = time.time() + 60
    while len(eof) < partitions and time.time() < deadline:
        msg = consumer.poll(0.5)
        if msg is None:
            continue
        if msg.error():
            if msg.error().code() == KafkaError._PARTITION_EOF:
                eof[msg.partition()] = msg.offset()
                continue
            raise KafkaException(msg.error())
        eof.pop(msg.partition(), None)
        records[msg.partition()].append((msg.offset(), msg.value().decode()))
    consumer.close()
    if len(eof) < partitions:
        raise RuntimeError(f"{topic}: only partitions {sorted(eof)} reached their end ({isolation})")
    return records, eof


def transactions(admin):
    topic = f"py-txn-{uuid.uuid4().hex[:8]}"
    create_topics(admin, [(topic, 3)])
    producer = Producer({"bootstrap.servers": BOOTSTRAP, "transactional.id": f"py-tx-{uuid.uuid4().hex[:8]}", "linger.ms": 5})
    producer.init_transactions(TIMEOUT)
    deliveries = Deliveries()
    committed = set()
    for name, commit in (("c1", True), ("a2", False), ("c3", True)):
        producer.begin_transaction()
        values = [f"{name}-{i}" for i in range(30)]
        for i, value in enumerate(values):
            producer.produce(topic, value=value.encode(), partition=i % 3, on_delivery=deliveries)
        producer.flush(TIMEOUT)  # so that the aborted records are in the log too
        if commit:
            producer.commit_transaction(TIMEOUT)
            committed.update(values)
        else:
            producer.abort_transaction(TIMEOUT)
    check("transactional producer delivers every record", not deliveries.errors and len(deliveries.written) == 90,
          deliveries.errors[:3] or len(deliveries.written))

    records, eof = read_to_end(topic, 3, "read_committed")
    for p in range(3):
        check(f"read_committed partition {p} holds exactly the committed records, in order",
              records[p] == deliveries.of(p, committed), f"{records[p][:5]}... vs {deliveries.of(p, committed)[:5]}...")
    # 10 records from each transaction on each partition, plus a marker per transaction.
    check("read_committed reaches the end past the markers", all(eof[p] == 33 for p in range(3)), eof)
    records, eof = read_to_end(topic, 3, "read_uncommitted")
    check("read_uncommitted sees aborted records too", all(records[p] == deliveries.of(p) for p in range(3)),
          {p: len(records[p]) for p in range(3)})

    consumer = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "py-watermarks", "isolation.level": "read_committed"})
    marks = [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10) for p in range(3)]
    consumer.close()
    check("watermarks after the transactions", marks == [(0, 33)] * 3, marks)


def idempotence(admin):
    topic = f"py-idem-{uuid.uuid4().hex[:8]}"
    create_topics(admin, [(topic, 2)])
    producer = Producer({"bootstrap.servers": BOOTSTRAP, "enable.idempotence": True, "linger.ms": 2,
                         "batch.num.messages": 50, "max.in.flight.requests.per.connection": 5})
    deliveries = Deliveries()
    for i in range(2000):
        producer.produce(topic, value=str(i).encode(), partition=i % 2, on_delivery=deliveries)
        producer.poll(0)
    producer.flush(TIMEOUT)
    check("idempotent producer delivers every record", not deliveries.errors and len(deliveries.written) == 2000,
          deliveries.errors[:3] or len(deliveries.written))
    records, _ = read_to_end(topic, 2, "read_uncommitted")
    for p in range(2):
        expected = [str(i) for i in range(p, 2000, 2)]
        check(f"idempotent records of partition {p} once each and in order",
              [v for _, v in records[p]] == expected and [o for o, _ in records[p]] == list(range(1000)),
              f"{len(records[p])} records")


def copy_exactly_once(admin):
    source = f"py-copy-in-{uuid.uuid4().hex[:6]}"
    target = f"py-copy-out-{uuid.uuid4().hex[:6]}"
    group = f"py-copier-{uuid.uuid4().hex[:6]}"
    create_topics(admin, [(source, 2), (target, 3)])
    seeder = Producer({"bootstrap.servers": BOOTSTRAP, "enable.idempotence": True})
    for i in range(400):
        seeder.produce(source, value=str(i).encode(), partition=i % 2)
    seeder.flush(TIMEOUT)

    consumer = Consumer({
        "bootstrap.servers": BOOTSTRAP,
        "group.id": group,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
    })
    consumer.subscribe([source])
    producer = Producer({"bootstrap.servers": BOOTSTRAP, "transactional.id": f"{group}-tx", "linger.ms": 5})
    producer.init_transactions(TIMEOUT)
    committed = {0: 0, 1: 0}
    transactions = aborts = 0
    deadline = time.time() + 90
    while (committed[0] < 200 or committed[1] < 200) and time.time() < deadline:
        batch = [m for m in consumer.consume(num_messages=60, timeout=0.5) if not m.error()]
        if not batch:
            continue
        positions = dict(committed)
        producer.begin_transaction()
        for msg in batch:
            producer.produce(target, value=msg.value(), partition=int(msg.value()) % 3)
            positions[msg.partition()] = msg.offset() + 1
        transactions += 1
        if transactions == 2:
            # An error in the middle of the copy: abort, and start again from the committed positions.
            producer.abort_transaction(TIMEOUT)
            aborts += 1
            for tp in consumer.assignment():
                consumer.seek(TopicPartition(source, tp.partition, committed[tp.partition]))
            continue
        producer.send_offsets_to_transaction([TopicPartition(source, p, o) for p, o in positions.items()],
                                             consumer.consumer_group_metadata(), TIMEOUT)
        producer.commit_transaction(TIMEOUT)
        committed = positions
    consumer.close()
    check("copier consumed the whole input in transactions", committed == {0: 200, 1: 200} and aborts == 1,
          f"{committed}, {transactions} transactions, {aborts} aborted")

    records, _ = read_to_end(target, 3, "read_committed")
    copied = sorted(int(v) for p in range(3) for _, v in records[p])
    check("copier output holds every input value exactly once", copied == list(range(400)),
          f"{len(copied)} records, {len(set(copied))} distinct")
    check("copier output partitioned by value",
          all(int(v) % 3 == p for p in range(3) for _, v in records[p]))

    resumed = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": group, "isolation.level": "read_committed"})
    offsets = resumed.committed([TopicPartition(source, p) for p in range(2)], timeout=10)
    resumed.close()
    check("copier's transactional offset commits are visible", [tp.offset for tp in offsets] == [200, 200],
          [(tp.partition, tp.offset, tp.error) for tp in offsets])


def main():
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    for scenario in (transactions, idempotence, copy_exactly_once):
        try:
            scenario(admin)
        except Exception as e:  # any exception is a failed check, with its message
            check(f"{scenario.__name__} run", False, repr(e))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:
        check("python-confluent-kafka run", False, repr(e))
    print(f"python-confluent-kafka: {sum(results)} passed, {len(results) - sum(results)} failed")
    sys.exit(0 if all(results) else 1)
