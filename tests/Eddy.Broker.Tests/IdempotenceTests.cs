using Eddy.Protocol;
using Eddy.Protocol.Messages;
using Eddy.Testing;
using static Eddy.Broker.Tests.TxnRequests;

namespace Eddy.Broker.Tests;

/// <summary>
/// Idempotent producers at the byte level (KIP-98): producer ids, the per-partition sequence checks, the five-batch
/// duplicate window, epoch fencing, and producer state that survives a restart.
/// </summary>
public class IdempotenceTests
{
    private static async Task<BrokerFixture> StartWithTopic(string topic = "t")
    {
        var broker = await BrokerFixture.StartAsync();
        var result = broker.Broker.Topics.Create(topic, 2, new Dictionary<string, string>(), false, out _);
        Assert.Equal(ErrorCode.None, result.Error);
        return broker;
    }

    private static List<string> Values(RawKafkaClient client, string topic, int partition) =>
        [.. Records(Fetch(client, topic, partition, 0, readCommitted: false)).Select(r => r.Value ?? "<control>")];

    [Fact]
    public async Task InitProducerId_without_a_transactional_id_gives_a_new_producer_id_every_time_even_after_a_restart()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var ids = new List<long>();
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            for (short version = 0; version <= 4; version++)
            {
                var response = InitProducerId(client, null, version: version);
                Assert.Equal(0, response.ErrorCode);
                Assert.Equal(0, response.ProducerEpoch);
                Assert.True(response.ProducerId >= 0, $"v{version}: producer id {response.ProducerId}");
                ids.Add(response.ProducerId);
            }
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // Ids are never handed out twice: a producer of before the restart must not share its id with a new one.
        await broker.RestartAsync();
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            for (var i = 0; i < 3; i++)
            {
                var (producerId, epoch) = Init(client, null);
                Assert.Equal(0, epoch);
                Assert.DoesNotContain(producerId, ids);
                ids.Add(producerId);
            }
        }
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task Retries_of_the_last_five_batches_get_their_original_offsets_and_older_ones_or_gaps_are_refused()
    {
        await using var broker = await StartWithTopic();
        var log = broker.Broker.Topics.Find("t")!.Partitions[0].Log;
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (producerId, epoch) = Init(client, null);

        // Seven batches of three records: sequences 0, 3, ..., 18 at offsets 0, 3, ..., 18.
        var batches = Enumerable.Range(0, 7).Select(b => Batch($"b{b}", 3, producerId, epoch, b * 3)).ToList();
        for (var b = 0; b < batches.Count; b++)
        {
            var produced = Produce(client, "t", 0, batches[b]);
            Assert.Equal(0, produced.ErrorCode);
            Assert.Equal(b * 3L, produced.BaseOffset);
        }
        Assert.Equal(21, log.LogEndOffset);

        // The last five are retries the broker recognises: their first answer again, nothing written.
        for (var b = 6; b >= 2; b--)
        {
            var retried = Produce(client, "t", 0, batches[b]);
            Assert.Equal(0, retried.ErrorCode);
            Assert.Equal(b * 3L, retried.BaseOffset);
            Assert.Equal(21, log.LogEndOffset);
        }

        // The sixth-oldest is past the window: indistinguishable from a sequence out of order.
        var tooOld = Produce(client, "t", 0, batches[1]);
        Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, tooOld.ErrorCode);
        Assert.Equal(-1, tooOld.BaseOffset);
        var first = Produce(client, "t", 0, batches[0]);
        Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, first.ErrorCode);

        // A gap: sequence 22 where 21 is next.
        var gap = Produce(client, "t", 0, Batch("gap", 3, producerId, epoch, 22));
        Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, gap.ErrorCode);
        // A batch overlapping the last one without being it.
        var overlap = Produce(client, "t", 0, Batch("overlap", 3, producerId, epoch, 19));
        Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, overlap.ErrorCode);
        Assert.Equal(21, log.LogEndOffset);

        // The next batch in order is appended.
        var next = Produce(client, "t", 0, Batch("b7", 3, producerId, epoch, 21));
        Assert.Equal(0, next.ErrorCode);
        Assert.Equal(21, next.BaseOffset);
        Assert.Equal(24, log.LogEndOffset);

        // The log holds every batch exactly once, in order.
        var expected = Enumerable.Range(0, 8).SelectMany(b => Enumerable.Range(0, 3).Select(i => $"b{b}-{i}")).ToList();
        Assert.Equal(expected, Values(client, "t", 0));

        // Sequences are per partition, and per producer.
        var otherPartition = Produce(client, "t", 1, Batch("p1", 2, producerId, epoch, 0));
        Assert.Equal(0, otherPartition.ErrorCode);
        Assert.Equal(0, otherPartition.BaseOffset);
        var (otherProducer, otherEpoch) = Init(client, null);
        Assert.NotEqual(producerId, otherProducer);
        var otherOnSame = Produce(client, "t", 0, Batch("other", 2, otherProducer, otherEpoch, 0));
        Assert.Equal(0, otherOnSame.ErrorCode);
        Assert.Equal(24, otherOnSame.BaseOffset);

        // DescribeProducers shows what the partition remembers of each producer.
        var producers = Producers(client, "t", 0);
        var state = Assert.Single(producers, p => p.ProducerId == producerId);
        Assert.Equal(epoch, state.ProducerEpoch);
        Assert.Equal(23, state.LastSequence);
        Assert.Equal(-1, state.CurrentTxnStartOffset);
        Assert.Equal(1, Assert.Single(producers, p => p.ProducerId == otherProducer).LastSequence);
        Assert.Equal(1, Assert.Single(Producers(client, "t", 1), p => p.ProducerId == producerId).LastSequence);
    }

    [Fact]
    public async Task A_new_epoch_starts_at_sequence_zero_and_fences_the_older_epoch()
    {
        await using var broker = await StartWithTopic();
        var log = broker.Broker.Topics.Find("t")!.Partitions[0].Log;
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (producerId, epoch) = Init(client, null);
        Assert.Equal(0, epoch);

        Assert.Equal(0, Produce(client, "t", 0, Batch("e0", 3, producerId, 0, 0)).ErrorCode);

        // A bumped epoch must begin again at sequence 0.
        var badStart = Produce(client, "t", 0, Batch("e1-bad", 2, producerId, 1, 3));
        Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, badStart.ErrorCode);
        var bumped = Produce(client, "t", 0, Batch("e1", 2, producerId, 1, 0));
        Assert.Equal(0, bumped.ErrorCode);
        Assert.Equal(3, bumped.BaseOffset);

        // The old epoch is fenced, whatever its sequence.
        var late = Produce(client, "t", 0, Batch("e0-late", 1, producerId, 0, 3));
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, late.ErrorCode);
        var lateRetry = Produce(client, "t", 0, Batch("e0", 3, producerId, 0, 0));
        Assert.Equal((short)ErrorCode.InvalidProducerEpoch, lateRetry.ErrorCode);

        Assert.Equal(5, log.LogEndOffset);
        Assert.Equal(["e0-0", "e0-1", "e0-2", "e1-0", "e1-1"], Values(client, "t", 0));
        var state = Assert.Single(Producers(client, "t", 0), p => p.ProducerId == producerId);
        Assert.Equal(1, state.ProducerEpoch);
        Assert.Equal(1, state.LastSequence);
    }

    [Fact]
    public async Task Producer_state_survives_a_restart_so_a_retry_is_still_recognised()
    {
        await using var broker = await StartWithTopic();
        long producerId;
        short epoch;
        var batches = new List<byte[]>();
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            (producerId, epoch) = Init(client, null);
            for (var b = 0; b < 3; b++)
            {
                batches.Add(Batch($"b{b}", 3, producerId, epoch, b * 3));
                var produced = Produce(client, "t", 0, batches[b]);
                Assert.Equal(0, produced.ErrorCode);
                Assert.Equal(b * 3L, produced.BaseOffset);
            }
        }

        await broker.RestartAsync();
        var log = broker.Broker.Topics.Find("t")!.Partitions[0].Log;
        Assert.Equal(9, log.LogEndOffset);
        using (var client = new RawKafkaClient(broker.BootstrapServers))
        {
            // The answer to the last batch was lost with the old broker: the producer sends it again.
            var retried = Produce(client, "t", 0, batches[2]);
            Assert.Equal(0, retried.ErrorCode);
            Assert.Equal(6, retried.BaseOffset);
            var older = Produce(client, "t", 0, batches[1]);
            Assert.Equal(0, older.ErrorCode);
            Assert.Equal(3, older.BaseOffset);
            Assert.Equal(9, log.LogEndOffset);

            // Without the remembered sequence any sequence would do: a gap must still be refused.
            var gap = Produce(client, "t", 0, Batch("gap", 1, producerId, epoch, 10));
            Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, gap.ErrorCode);
            var next = Produce(client, "t", 0, Batch("b3", 2, producerId, epoch, 9));
            Assert.Equal(0, next.ErrorCode);
            Assert.Equal(9, next.BaseOffset);
            Assert.Equal(11, log.LogEndOffset);

            Assert.Equal(["b0-0", "b0-1", "b0-2", "b1-0", "b1-1", "b1-2", "b2-0", "b2-1", "b2-2", "b3-0", "b3-1"], Values(client, "t", 0));
            var state = Assert.Single(Producers(client, "t", 0), p => p.ProducerId == producerId);
            Assert.Equal(10, state.LastSequence);
        }
    }

    [Fact]
    public async Task An_idle_producer_is_forgotten_after_producer_id_expiration()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string>
        {
            ["log.retention.check.interval.ms"] = "100",
            ["producer.id.expiration.ms"] = "1500",
        });
        Assert.Equal(ErrorCode.None, broker.Broker.Topics.Create("t", 1, new Dictionary<string, string>(), false, out _).Error);
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (producerId, epoch) = Init(client, null);
        // The state's age is that of the producer's last batch (its timestamps, as in Kafka): now.
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(0, Produce(client, "t", 0, Batch("a", 3, producerId, epoch, 0, timestamp: now)).ErrorCode);
        Assert.Contains(Producers(client, "t", 0), p => p.ProducerId == producerId);
        var gap = Produce(client, "t", 0, Batch("gap", 1, producerId, epoch, 7, timestamp: now));
        Assert.Equal((short)ErrorCode.OutOfOrderSequenceNumber, gap.ErrorCode);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (Producers(client, "t", 0).Any(p => p.ProducerId == producerId) && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
        Assert.DoesNotContain(Producers(client, "t", 0), p => p.ProducerId == producerId);
        Assert.InRange(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() - now, 1400, 10_000);

        // Nothing is remembered of it: any sequence is accepted again, as Kafka does for a producer without state.
        var accepted = Produce(client, "t", 0, Batch("later", 1, producerId, epoch, 7, timestamp: TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()));
        Assert.Equal(0, accepted.ErrorCode);
        Assert.Equal(3, accepted.BaseOffset);
    }

    [Fact]
    public async Task Idempotent_batches_need_a_sequence()
    {
        await using var broker = await StartWithTopic();
        using var client = new RawKafkaClient(broker.BootstrapServers);
        var (producerId, epoch) = Init(client, null);
        var noSequence = Produce(client, "t", 0, Batch("x", 1, producerId, epoch, -1));
        Assert.Equal((short)ErrorCode.InvalidRecord, noSequence.ErrorCode);
        Assert.Equal(0, broker.Broker.Topics.Find("t")!.Partitions[0].Log.LogEndOffset);
        // Non-idempotent batches (no producer id) are not checked at all: the same bytes twice are two batches.
        var plain = Batch("plain", 2);
        Assert.Equal(0, Produce(client, "t", 0, plain).BaseOffset);
        Assert.Equal(2, Produce(client, "t", 0, plain).BaseOffset);
    }
}
