using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Eddy.Broker.Configuration;
using Eddy.Broker.Metrics;
using Eddy.Testing;

namespace Eddy.Broker.Tests.Metrics;

/// <summary>
/// The broker's metrics as Prometheus scrapes them: a real in-process broker, real clients (Confluent.Kafka), and the
/// endpoint <c>eddy up</c> serves, over this test's broker only.
/// </summary>
public sealed class BrokerMetricsTests : IAsyncLifetime
{
    private BrokerFixture _broker = null!;
    private PrometheusEndpoint _endpoint = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { [BrokerConfigs.AutoCreateTopics] = "false" });
        _endpoint = PrometheusEndpoint.Start("127.0.0.1", 0, _broker.Broker.Metrics.Meter);
    }

    public async Task DisposeAsync()
    {
        _endpoint.Dispose();
        await _broker.DisposeAsync();
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task CreateTopicAsync(string topic, int partitions = 1)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    /// <summary>Produces <paramref name="timestamps"/>.Length records in one batch (linger), record i stamped timestamps[i].</summary>
    private async Task ProduceAsync(string topic, long[] timestamps)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = _broker.BootstrapServers,
            LingerMs = 200,
            CompressionType = CompressionType.None,
        }).Build();
        var deliveries = new List<Task<DeliveryResult<string, string>>>();
        for (var i = 0; i < timestamps.Length; i++)
        {
            deliveries.Add(producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string>
            {
                Key = $"k{i}",
                Value = $"v{i}",
                Timestamp = new Timestamp(timestamps[i], TimestampType.CreateTime),
            }));
        }
        await Task.WhenAll(deliveries);
    }

    /// <summary>A consumer of <paramref name="group"/> reads <paramref name="count"/> records and commits the offset after them.</summary>
    private void ConsumeAndCommit(string group, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = _broker.BootstrapServers,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        var consumed = 0;
        var deadline = Stopwatch.StartNew();
        ConsumeResult<string, string>? last = null;
        while (consumed < count && deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { IsPartitionEOF: false } result)
            {
                last = result;
                consumed++;
            }
        }
        Assert.Equal(count, consumed);
        consumer.Commit([new TopicPartitionOffset(last!.TopicPartition, last.Offset + 1)]);
        consumer.Close();
    }

    [Fact]
    public async Task Lag_in_records_is_the_log_end_minus_the_committed_offset_and_lag_in_seconds_the_age_of_the_first_unconsumed_record()
    {
        var topic = Unique("lag");
        var group = Unique("lagging");
        await CreateTopicAsync(topic);
        // Stamped in the past, a second apart, so that the age read tells which record the broker looked at.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var timestamps = Enumerable.Range(0, 20).Select(i => now - (300 - i) * 1000L).ToArray();
        await ProduceAsync(topic, timestamps);
        // 7 consumed: the first unconsumed record (offset 7) lies inside the producer's batch.
        ConsumeAndCommit(group, topic, 7);

        var scrape = await Scrape.FromAsync(_endpoint.Url);
        var scrapedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var labels = new[] { ("group", group), ("topic", topic), ("partition", "0") };
        Assert.Equal(20 - 7, scrape.Value("eddy_group_lag_records", labels));
        var expected = (scrapedAt - timestamps[7]) / 1000.0;
        var seconds = scrape.Value("eddy_group_lag_seconds", labels);
        Assert.NotNull(seconds);
        Assert.InRange(seconds.Value, expected - 2, expected + 0.5);
    }

    [Fact]
    public async Task A_group_that_consumed_everything_lags_zero_records_and_zero_seconds()
    {
        var topic = Unique("caught-up");
        var group = Unique("caught-up");
        await CreateTopicAsync(topic);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await ProduceAsync(topic, [now - 60_000, now - 50_000, now - 40_000]);
        ConsumeAndCommit(group, topic, 3);

        var scrape = await Scrape.FromAsync(_endpoint.Url);

        var labels = new[] { ("group", group), ("topic", topic), ("partition", "0") };
        Assert.Equal(0, scrape.Value("eddy_group_lag_records", labels));
        Assert.Equal(0, scrape.Value("eddy_group_lag_seconds", labels));
    }

    [Fact]
    public async Task Lag_follows_new_records_and_new_commits_between_scrapes()
    {
        var topic = Unique("moving");
        var group = Unique("moving");
        await CreateTopicAsync(topic);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await ProduceAsync(topic, [.. Enumerable.Range(0, 5).Select(i => now - 100_000 + i * 1000L)]);
        ConsumeAndCommit(group, topic, 2);
        var labels = new[] { ("group", group), ("topic", topic), ("partition", "0") };
        Assert.Equal(3, (await Scrape.FromAsync(_endpoint.Url)).Value("eddy_group_lag_records", labels));

        await ProduceAsync(topic, [now, now]);
        var afterProduce = await Scrape.FromAsync(_endpoint.Url);
        Assert.True(afterProduce.Value("eddy_group_lag_records", labels) == 5, afterProduce.Text);

        ConsumeAndCommit(group, topic, 4);
        var scrape = await Scrape.FromAsync(_endpoint.Url);
        Assert.Equal(1, scrape.Value("eddy_group_lag_records", labels));
        // The one left is stamped now: its age is the time since, not the 100 s of the first records.
        Assert.InRange(scrape.Value("eddy_group_lag_seconds", labels)!.Value, 0, 30);
    }

    [Fact]
    public async Task Request_counters_rise_with_the_requests_clients_send()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build();
        var before = await Scrape.FromAsync(_endpoint.Url);

        for (var i = 0; i < 3; i++)
        {
            admin.GetMetadata(TimeSpan.FromSeconds(10));
        }

        var after = await Scrape.FromAsync(_endpoint.Url);
        Assert.True(after.Sum("eddy_broker_requests_total", ("api", "Metadata")) >= before.Sum("eddy_broker_requests_total", ("api", "Metadata")) + 3);
        Assert.True(after.Sum("eddy_broker_request_duration_seconds_count", ("api", "Metadata"))
            >= before.Sum("eddy_broker_request_duration_seconds_count", ("api", "Metadata")) + 3);
        Assert.Equal("histogram", after.Families["eddy_broker_request_duration_seconds"]);
        Assert.Equal("counter", after.Families["eddy_broker_requests_total"]);
    }

    [Fact]
    public async Task Asking_for_an_unknown_topic_counts_an_error_by_its_Kafka_name()
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build();
        var before = await Scrape.FromAsync(_endpoint.Url);

        var metadata = admin.GetMetadata(Unique("no-such-topic"), TimeSpan.FromSeconds(10));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, metadata.Topics.Single().Error.Code);

        var after = await Scrape.FromAsync(_endpoint.Url);
        var labels = new[] { ("api", "Metadata"), ("error", "UNKNOWN_TOPIC_OR_PARTITION") };
        Assert.True(after.Sum("eddy_broker_request_errors_total", labels) >= before.Sum("eddy_broker_request_errors_total", labels) + 1);
    }

    [Fact]
    public async Task Bytes_and_records_in_and_out_are_counted_per_topic()
    {
        var topic = Unique("traffic");
        await CreateTopicAsync(topic);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await ProduceAsync(topic, [now, now, now, now]);
        ConsumeAndCommit(Unique("reader"), topic, 4);

        var scrape = await Scrape.FromAsync(_endpoint.Url);

        var partition = _broker.Broker.Topics.Find(topic)!.Partition(0)!;
        Assert.Equal(4, scrape.Value("eddy_broker_topic_in_records_total", ("topic", topic)));
        Assert.Equal(partition.Log.SizeInBytes, scrape.Value("eddy_broker_topic_in_bytes_total", ("topic", topic)));
        Assert.True(scrape.Value("eddy_broker_topic_out_bytes_total", ("topic", topic)) >= partition.Log.SizeInBytes);
        Assert.Equal(partition.Log.SizeInBytes, scrape.Value("eddy_partition_log_size_bytes", ("topic", topic), ("partition", "0")));
        Assert.Equal(4, scrape.Value("eddy_partition_log_end_offset", ("topic", topic), ("partition", "0")));
        Assert.Equal(0, scrape.Value("eddy_partition_log_start_offset", ("topic", topic), ("partition", "0")));
        Assert.Equal(1, scrape.Value("eddy_partition_log_segments", ("topic", topic), ("partition", "0")));
    }

    [Fact]
    public async Task A_group_that_becomes_stable_records_its_rebalance_duration()
    {
        var topic = Unique("rebalance");
        await CreateTopicAsync(topic);
        await ProduceAsync(topic, [DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()]);
        var before = await Scrape.FromAsync(_endpoint.Url);

        var clock = Stopwatch.StartNew();
        ConsumeAndCommit(Unique("rebalance"), topic, 1);
        var joined = clock.Elapsed.TotalSeconds;

        var after = await Scrape.FromAsync(_endpoint.Url);
        Assert.Equal(1, after.Sum("eddy_broker_group_rebalance_duration_seconds_count") - before.Sum("eddy_broker_group_rebalance_duration_seconds_count"));
        // The join phase waits out group.initial.rebalance.delay.ms (3 s by default), all of it inside the consumer's run.
        var seconds = after.Sum("eddy_broker_group_rebalance_duration_seconds_sum") - before.Sum("eddy_broker_group_rebalance_duration_seconds_sum");
        Assert.InRange(seconds, 2.9, joined);
    }

    [Fact]
    public async Task Compaction_counts_the_logs_compacted_and_the_records_and_bytes_it_removed()
    {
        await using var broker = await BrokerFixture.StartAsync(new Dictionary<string, string> { ["log.cleaner.backoff.ms"] = "200" });
        using var endpoint = PrometheusEndpoint.Start("127.0.0.1", 0, broker.Broker.Metrics.Meter);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification
            {
                Name = "latest",
                NumPartitions = 1,
                ReplicationFactor = 1,
                Configs = new() { ["cleanup.policy"] = "compact", ["segment.bytes"] = "8192" },
            }]);
        }
        const int updates = 3000, keys = 30;
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, LingerMs = 0, BatchNumMessages = 10 }).Build())
        {
            for (var i = 0; i < updates; i++)
            {
                producer.Produce("latest", new Message<string, string> { Key = $"k{i % keys}", Value = $"v{i}" });
            }
            producer.Flush(TimeSpan.FromSeconds(30));
        }

        Scrape scrape;
        var deadline = Stopwatch.StartNew();
        do
        {
            await Task.Delay(300);
            scrape = await Scrape.FromAsync(endpoint.Url);
        }
        while (scrape.Sum("eddy_broker_compaction_records_removed_total") < updates / 2 && deadline.Elapsed < TimeSpan.FromSeconds(30));

        // At most the active segment and one record per key of the rest stay.
        Assert.InRange(scrape.Sum("eddy_broker_compaction_records_removed_total"), updates / 2, updates - keys);
        Assert.True(scrape.Sum("eddy_broker_compactions_total") >= 1);
        var read = scrape.Sum("eddy_broker_compaction_read_bytes_total");
        var written = scrape.Sum("eddy_broker_compaction_written_bytes_total");
        Assert.True(read > written && written > 0, $"read {read}, written {written}");
        Assert.True(scrape.Sum("eddy_broker_compaction_time_seconds_total") > 0);
        var ratio = scrape.Value("eddy_partition_cleanable_ratio", ("topic", "latest"), ("partition", "0"));
        Assert.NotNull(ratio);
        Assert.InRange(ratio.Value, 0, 1);
        // Only compacted logs have a ratio: __consumer_offsets does, a delete-policy topic would not.
        Assert.All(scrape.Samples.Where(s => s.Name == "eddy_partition_cleanable_ratio"), s => Assert.True(s.Labels["topic"] is "latest" or "__consumer_offsets" or "__transaction_state", s.Labels["topic"]));
    }

    [Fact]
    public async Task The_exposition_passes_promtool_check_metrics()
    {
        var topic = Unique("promtool");
        await CreateTopicAsync(topic);
        await ProduceAsync(topic, [DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()]);
        ConsumeAndCommit(Unique("promtool"), topic, 1);
        var scrape = await Scrape.FromAsync(_endpoint.Url);

        // Debian's prometheus package ships promtool; .ci/run installs it.
        var info = new ProcessStartInfo("promtool", "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var promtool = Process.Start(info)!;
        await promtool.StandardInput.WriteAsync(scrape.Text);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics: exit {promtool.ExitCode}\n{output}");
        Assert.Equal("", output.Trim());
    }
}
