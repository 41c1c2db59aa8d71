using System.Text.Json;
using Confluent.Kafka;
using Eddy.Testing;

namespace Eddy.Cli.Tests;

/// <summary>`eddy transactions ...` against a real Eddy broker, with real Confluent.Kafka transactional producers.</summary>
[Trait("Category", "Compat")]
public class TransactionsEndToEndTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // The table's data rows, each cell without its padding.
    private static List<string[]> Rows(string table) =>
        table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split('\t').Select(c => c.TrimEnd()).ToArray()).ToList();

    private static IProducer<string, string> TransactionalProducer(string bootstrap, string transactionalId)
    {
        var producer = new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrap,
            TransactionalId = transactionalId,
            TransactionTimeoutMs = 60_000,
            LingerMs = 0,
        }).Build();
        producer.InitTransactions(Timeout);
        return producer;
    }

    [Fact]
    public async Task Verbs_answer_plainly_when_there_is_nothing_to_show()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;
        Assert.Equal(0, (await CliHarness.RunAsync(["topics", "create", "payments", "--partitions", "2", "-b", b])).ExitCode);

        Assert.Equal((0, "TransactionalId\tCoordinator\tProducerId\tTransactionState\n", ""), await CliHarness.RunAsync(["transactions", "list", "-b", b]));
        var json = await CliHarness.RunAsync(["transactions", "list", "--output", "json", "--bootstrap-server", b]);
        Assert.Equal(0, json.ExitCode);
        using (var document = JsonDocument.Parse(json.Out))
        {
            Assert.Equal(0, document.RootElement.GetProperty("transactions").GetArrayLength());
        }

        var missing = await CliHarness.RunAsync(["transactions", "describe", "--transactional-id", "nobody", "-b", b]);
        Assert.Equal((1, ""), (missing.ExitCode, missing.Out));
        Assert.Equal("error: Failed to describe transaction state of transactional-id 'nobody': TRANSACTIONAL_ID_NOT_FOUND: The transactionalId could not be found.\n", missing.Error);

        var noTopic = await CliHarness.RunAsync(["transactions", "describe-producers", "--topic", "nope", "--partition", "0", "-b", b]);
        Assert.Equal((1, "error: Failed to describe producers for partition nope-0 on leader: Topic 'nope' does not exist\n"), (noTopic.ExitCode, noTopic.Error));
        var noPartition = await CliHarness.RunAsync(["transactions", "describe-producers", "--topic", "payments", "--partition", "5", "-b", b]);
        Assert.Equal(1, noPartition.ExitCode);
        Assert.Contains("partition payments-5 does not exist (topic 'payments' has 2 partitions)", noPartition.Error, StringComparison.Ordinal);

        var hangingNoTopic = await CliHarness.RunAsync(["transactions", "find-hanging", "--topic", "nope", "-b", b]);
        Assert.Equal((1, "error: Topic 'nope' does not exist\n"), (hangingNoTopic.ExitCode, hangingNoTopic.Error));
        var partitionWithoutTopic = await CliHarness.RunAsync(["transactions", "find-hanging", "--partition", "0", "-b", b]);
        Assert.Equal((2, "error: The --partition argument requires --topic to be provided\n"), (partitionWithoutTopic.ExitCode, partitionWithoutTopic.Error));

        var badState = await CliHarness.RunAsync(["transactions", "list", "--state", "Open", "-b", b]);
        Assert.Equal(2, badState.ExitCode);
        var noId = await CliHarness.RunAsync(["transactions", "describe", "-b", b]);
        Assert.Equal(2, noId.ExitCode);
        Assert.Contains("--transactional-id", noId.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_and_describe_show_an_open_and_a_committed_transaction()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;
        Assert.Equal(0, (await CliHarness.RunAsync(["topics", "create", "payments", "--partitions", "2", "-b", b])).ExitCode);

        using var committed = TransactionalProducer(b, "committed-app");
        committed.BeginTransaction();
        await committed.ProduceAsync(new TopicPartition("payments", 0), new Message<string, string> { Key = "k", Value = "committed" });
        committed.CommitTransaction(Timeout);

        using var open = TransactionalProducer(b, "open-app");
        var beforeOpen = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        open.BeginTransaction();
        await open.ProduceAsync(new TopicPartition("payments", 1), new Message<string, string> { Key = "k", Value = "open" });

        var list = await CliHarness.RunAsync(["transactions", "list", "-b", b]);
        Assert.Equal((0, ""), (list.ExitCode, list.Error));
        Assert.StartsWith("TransactionalId\tCoordinator\tProducerId\tTransactionState\n", list.Out, StringComparison.Ordinal);
        var rows = Rows(list.Out);
        Assert.Equal(2, rows.Count);
        Assert.Equal(["committed-app", "1", "CompleteCommit"], new[] { rows[0][0], rows[0][1], rows[0][3] });
        Assert.Equal(["open-app", "1", "Ongoing"], new[] { rows[1][0], rows[1][1], rows[1][3] });
        var committedPid = rows[0][2];
        var openPid = rows[1][2];
        Assert.NotEqual(committedPid, openPid);

        Assert.Equal(["open-app"], Rows((await CliHarness.RunAsync(["transactions", "list", "--state", "ongoing", "-b", b])).Out).Select(r => r[0]));
        Assert.Equal(["committed-app"], Rows((await CliHarness.RunAsync(["transactions", "list", "--producer-id", committedPid, "-b", b])).Out).Select(r => r[0]));
        Assert.Empty(Rows((await CliHarness.RunAsync(["transactions", "list", "--duration-ms", "3600000", "-b", b])).Out));
        Assert.Contains("open-app", Rows((await CliHarness.RunAsync(["transactions", "list", "--duration-ms", "0", "-b", b])).Out).Select(r => r[0]));

        var describe = await CliHarness.RunAsync(["transactions", "describe", "--transactional-id", "open-app", "-b", b]);
        Assert.Equal((0, ""), (describe.ExitCode, describe.Error));
        Assert.StartsWith(
            "CoordinatorId\tTransactionalId\tProducerId\tProducerEpoch\tTransactionState\tTransactionTimeoutMs\tCurrentTransactionStartTimeMs\tTransactionDurationMs\tTopicPartitions\n",
            describe.Out, StringComparison.Ordinal);
        var row = Rows(describe.Out).Single();
        Assert.Equal(["1", "open-app", openPid, "0", "Ongoing", "60000"], row[..6]);
        var startedAt = long.Parse(row[6], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(startedAt, beforeOpen - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.InRange(long.Parse(row[7], System.Globalization.CultureInfo.InvariantCulture), 0, 60_000);
        Assert.Equal("payments-1", row[8]);

        var describeCommitted = await CliHarness.RunAsync(["transactions", "describe", "--transactional-id", "committed-app", "--output", "json", "-b", b]);
        Assert.Equal(0, describeCommitted.ExitCode);
        using (var document = JsonDocument.Parse(describeCommitted.Out))
        {
            var root = document.RootElement;
            Assert.Equal("CompleteCommit", root.GetProperty("state").GetString());
            Assert.Equal(committedPid, root.GetProperty("producerId").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(1, root.GetProperty("coordinatorId").GetInt32());
            Assert.Equal(0, root.GetProperty("topicPartitions").GetArrayLength());
        }

        open.AbortTransaction(Timeout);
        var afterAbort = Rows((await CliHarness.RunAsync(["transactions", "list", "-b", b])).Out);
        Assert.Equal(["CompleteCommit", "CompleteAbort"], afterAbort.Select(r => r[3]));
    }

    [Fact]
    public async Task Describe_producers_and_find_hanging_see_the_open_transaction_its_coordinator_vouches_for()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;
        Assert.Equal(0, (await CliHarness.RunAsync(["topics", "create", "payments", "--partitions", "2", "-b", b])).ExitCode);

        using var committed = TransactionalProducer(b, "committed-app");
        committed.BeginTransaction();
        await committed.ProduceAsync(new TopicPartition("payments", 0), new Message<string, string> { Key = "k", Value = "committed" });
        committed.CommitTransaction(Timeout);
        using var open = TransactionalProducer(b, "open-app");
        open.BeginTransaction();
        await open.ProduceAsync(new TopicPartition("payments", 1), new Message<string, string> { Key = "k", Value = "open" });
        var openPid = Rows((await CliHarness.RunAsync(["transactions", "list", "--state", "Ongoing", "-b", b])).Out).Single()[2];

        var producers = await CliHarness.RunAsync(["transactions", "describe-producers", "--topic", "payments", "--partition", "1", "-b", b]);
        Assert.Equal((0, ""), (producers.ExitCode, producers.Error));
        Assert.StartsWith("ProducerId\tProducerEpoch\tLatestCoordinatorEpoch\tLastSequence\tLastTimestamp\tCurrentTransactionStartOffset\n", producers.Out, StringComparison.Ordinal);
        var producer = Rows(producers.Out).Single();
        Assert.Equal(openPid, producer[0]);
        Assert.Equal("0", producer[3]); // one record: sequence 0
        Assert.Equal("0", producer[5]); // the transaction's first record is offset 0

        // Partition 0: the committed producer's transaction is closed (its marker follows its record).
        var closed = Rows((await CliHarness.RunAsync(["transactions", "describe-producers", "--topic", "payments", "--partition", "0", "-b", b])).Out);
        Assert.Equal("None", Assert.Single(closed)[5]);

        // With no timeout every open transaction is a candidate; the coordinator has payments-1 in open-app's
        // transaction, so it is not hanging.
        var hanging = await CliHarness.RunAsync(["transactions", "find-hanging", "--max-transaction-timeout", "0", "-b", b]);
        Assert.Equal((0, "Topic\tPartition\tProducerId\tProducerEpoch\tCoordinatorEpoch\tStartOffset\tLastTimestamp\tDuration(min)\n", ""), hanging);
        var json = await CliHarness.RunAsync(["transactions", "find-hanging", "--topic", "payments", "--output", "json", "-b", b]);
        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(0, document.RootElement.GetProperty("hangingTransactions").GetArrayLength());

        open.AbortTransaction(Timeout);
        var afterAbort = Rows((await CliHarness.RunAsync(["transactions", "describe-producers", "--topic", "payments", "--partition", "1", "-b", b])).Out);
        Assert.Equal("None", Assert.Single(afterAbort)[5]);
    }

    [Fact]
    public async Task Find_hanging_reports_a_transaction_no_coordinator_knows_once_it_is_older_than_the_max_timeout()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var b = broker.BootstrapServers;
        Assert.Equal(0, (await CliHarness.RunAsync(["topics", "create", "payments", "--partitions", "2", "-b", b])).ExitCode);
        using var open = TransactionalProducer(b, "open-app");
        open.BeginTransaction();
        await open.ProduceAsync(new TopicPartition("payments", 1), new Message<string, string> { Key = "k", Value = "open" });

        // A transactional batch that went around the coordinator (what a lost marker leaves behind): producer 9999
        // opened a transaction on payments-0 twenty minutes ago, and no transactional id has that producer id.
        var log = broker.Broker.Topics.Find("payments")!.Partition(0)!.Log;
        var startOffset = log.LogEndOffset;
        var written = DateTimeOffset.UtcNow.AddMinutes(-20).ToUnixTimeMilliseconds();
        var batch = Eddy.Protocol.RecordBatchBuilder.Build([Eddy.Protocol.Record.Create(written, null, new byte[] { 1 })], producerId: 9999, producerEpoch: 0, baseSequence: 0, transactional: true);
        log.Append(batch, Eddy.Protocol.TimestampType.CreateTime, written);

        var found = await CliHarness.RunAsync(["transactions", "find-hanging", "-b", b]);
        Assert.Equal((0, ""), (found.ExitCode, found.Error));
        Assert.StartsWith("Topic   \tPartition\tProducerId\tProducerEpoch\tCoordinatorEpoch\tStartOffset\tLastTimestamp\tDuration(min)\n", found.Out, StringComparison.Ordinal);
        var row = Rows(found.Out).Single(); // not open-app's live transaction: its coordinator vouches for it
        var startOffsetText = startOffset.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(["payments", "0", "9999", "0", "-1", startOffsetText], row[..6]);
        Assert.Equal(written.ToString(System.Globalization.CultureInfo.InvariantCulture), row[6]);
        Assert.Equal("20", row[7]);

        // Even with no timeout at all, open-app's transaction is not hanging; and a max timeout above twenty
        // minutes leaves producer 9999 out too.
        Assert.Equal(["9999"], Rows((await CliHarness.RunAsync(["transactions", "find-hanging", "--max-transaction-timeout", "0", "-b", b])).Out).Select(r => r[2]));
        Assert.Empty(Rows((await CliHarness.RunAsync(["transactions", "find-hanging", "--topic", "payments", "--max-transaction-timeout", "30", "-b", b])).Out));

        var json = await CliHarness.RunAsync(["transactions", "find-hanging", "--topic", "payments", "--partition", "0", "--output", "json", "-b", b]);
        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Out);
        var hanging = Assert.Single(document.RootElement.GetProperty("hangingTransactions").EnumerateArray());
        Assert.Equal(9999, hanging.GetProperty("producerId").GetInt64());
        Assert.Equal(startOffset, hanging.GetProperty("startOffset").GetInt64());
        Assert.Equal(20, hanging.GetProperty("durationMinutes").GetInt64());
        open.AbortTransaction(Timeout);
    }
}
