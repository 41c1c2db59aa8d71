using System.Text.Json;
using Eddy.Cli.Commands;
using Eddy.Cli.Output;

namespace Eddy.Cli.Tests;

/// <summary>kafka-transactions.sh's tables and the JSON documents, from fixed values.</summary>
[Trait("Category", "Unit")]
public class TransactionsOutputTests
{
    private const long Now = 1_700_000_600_000;

    private static string Write(Action<TextWriter> write)
    {
        var output = new StringWriter();
        write(output);
        return output.ToString();
    }

    [Fact]
    public void List_pads_each_column_to_its_widest_cell_separates_with_tabs_and_sorts_by_id()
    {
        var text = Write(o => TransactionsText.WriteList(
        [
            new TransactionListing("payments-app-with-a-long-id", 2, 4001, "Ongoing"),
            new TransactionListing("audit", 1, 17, "CompleteCommit"),
        ], o));

        Assert.Equal(
            "TransactionalId            \tCoordinator\tProducerId\tTransactionState\n" +
            "audit                      \t1          \t17        \tCompleteCommit\n" +
            "payments-app-with-a-long-id\t2          \t4001      \tOngoing\n",
            text);
    }

    [Fact]
    public void An_empty_list_is_the_header_alone()
    {
        Assert.Equal("TransactionalId\tCoordinator\tProducerId\tTransactionState\n", Write(o => TransactionsText.WriteList([], o)));
    }

    [Fact]
    public void Describe_shows_start_time_duration_and_partitions_of_an_open_transaction()
    {
        var description = new TransactionDescription(1, "payments-app", 4001, 3, "Ongoing", 60000, Now - 1500,
            [new("payments", 0), new("payments", 1), new("audit", 2)]);

        var lines = Write(o => TransactionsText.WriteDescription(description, Now, o)).Split('\n');

        Assert.Equal(
            ["CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch", "TransactionState", "TransactionTimeoutMs",
             "CurrentTransactionStartTimeMs", "TransactionDurationMs", "TopicPartitions"],
            lines[0].Split('\t').Select(c => c.TrimEnd()));
        Assert.Equal(
            ["1", "payments-app", "4001", "3", "Ongoing", "60000", "1700000598500", "1500", "payments-0,payments-1,audit-2"],
            lines[1].Split('\t').Select(c => c.TrimEnd()));
        Assert.Equal("", lines[2]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void Describe_prints_None_for_the_start_and_duration_of_an_idle_transactional_id()
    {
        var description = new TransactionDescription(1, "idle", 7, 0, "CompleteCommit", 60000, -1, []);

        var row = Write(o => TransactionsText.WriteDescription(description, Now, o)).Split('\n')[1];

        // One cell per header: the empty TopicPartitions cell leaves the row ending in its tab.
        Assert.Equal(["1", "idle", "7", "0", "CompleteCommit", "60000", "None", "None", ""], row.Split('\t').Select(c => c.TrimEnd()));
    }

    [Fact]
    public void Describe_producers_orders_by_producer_id_and_prints_None_without_an_open_transaction()
    {
        var text = Write(o => TransactionsText.WriteProducers(
        [
            new ProducerStateInfo(9, 1, 0, 4, Now - 10, 120),
            new ProducerStateInfo(3, 0, -1, 99, Now - 20, -1),
        ], o));

        Assert.Equal(
            "ProducerId\tProducerEpoch\tLatestCoordinatorEpoch\tLastSequence\tLastTimestamp\tCurrentTransactionStartOffset\n" +
            "3         \t0            \t-1                    \t99          \t1700000599980\tNone\n" +
            "9         \t1            \t0                     \t4           \t1700000599990\t120\n",
            text);
    }

    [Fact]
    public void Find_hanging_prints_whole_minutes_since_the_last_write()
    {
        var hanging = new OpenTransaction(new("payments", 1), new ProducerStateInfo(4001, 2, 5, 10, Now - (61 * 60_000) - 59_999, 42));

        var text = Write(o => TransactionsText.WriteHanging([hanging], Now, o));

        Assert.Equal(
            "Topic   \tPartition\tProducerId\tProducerEpoch\tCoordinatorEpoch\tStartOffset\tLastTimestamp\tDuration(min)\n" +
            "payments\t1        \t4001      \t2            \t5               \t42         \t1699996880001\t61\n",
            text);
    }

    [Fact]
    public void Json_documents_use_numbers_and_null_where_the_text_says_None()
    {
        using var list = JsonDocument.Parse(Write(o => TransactionsJson.WriteList([new TransactionListing("a", 1, 5, "Ongoing")], o)));
        var listed = list.RootElement.GetProperty("transactions")[0];
        Assert.Equal("a", listed.GetProperty("transactionalId").GetString());
        Assert.Equal(1, listed.GetProperty("coordinator").GetInt32());
        Assert.Equal(5, listed.GetProperty("producerId").GetInt64());
        Assert.Equal("Ongoing", listed.GetProperty("state").GetString());

        using var idle = JsonDocument.Parse(Write(o => TransactionsJson.WriteDescription(
            new TransactionDescription(1, "idle", 7, 0, "Empty", 60000, -1, []), Now, o)));
        Assert.Equal(JsonValueKind.Null, idle.RootElement.GetProperty("transactionStartTimeMs").ValueKind);
        Assert.Equal(JsonValueKind.Null, idle.RootElement.GetProperty("transactionDurationMs").ValueKind);

        using var open = JsonDocument.Parse(Write(o => TransactionsJson.WriteDescription(
            new TransactionDescription(1, "open", 7, 0, "Ongoing", 60000, Now - 250, [new("t", 3)]), Now, o)));
        Assert.Equal(250, open.RootElement.GetProperty("transactionDurationMs").GetInt64());
        Assert.Equal("t", open.RootElement.GetProperty("topicPartitions")[0].GetProperty("topic").GetString());
        Assert.Equal(3, open.RootElement.GetProperty("topicPartitions")[0].GetProperty("partition").GetInt32());

        using var producers = JsonDocument.Parse(Write(o => TransactionsJson.WriteProducers(new("t", 0),
            [new ProducerStateInfo(3, 0, -1, 9, Now, -1)], o)));
        Assert.Equal(JsonValueKind.Null, producers.RootElement.GetProperty("producers")[0].GetProperty("currentTransactionStartOffset").ValueKind);

        using var hanging = JsonDocument.Parse(Write(o => TransactionsJson.WriteHanging(
            [new OpenTransaction(new("t", 0), new ProducerStateInfo(3, 0, -1, 9, Now - (20 * 60_000), 5))], Now, o)));
        Assert.Equal(20, hanging.RootElement.GetProperty("hangingTransactions")[0].GetProperty("durationMinutes").GetInt64());
    }

    [Fact]
    public void Candidates_are_open_transactions_whose_producer_last_wrote_longer_ago_than_the_max_timeout()
    {
        const long max = 15 * 60_000;
        var old = new ProducerStateInfo(1, 0, 0, 5, Now - max - 1, 10);
        var exactlyMax = new ProducerStateInfo(2, 0, 0, 5, Now - max, 11);
        var oldButClosed = new ProducerStateInfo(3, 0, 0, 5, Now - max - 1, -1);
        var recent = new ProducerStateInfo(4, 0, 0, 5, Now - 1000, 12);
        var producers = new Dictionary<TopicPartitionKey, IReadOnlyList<ProducerStateInfo>>
        {
            [new("t", 1)] = [recent, old],
            [new("t", 0)] = [exactlyMax, oldButClosed, old],
        };

        var candidates = HangingTransactions.Candidates(producers, Now, max);

        Assert.Equal([new OpenTransaction(new("t", 0), old), new OpenTransaction(new("t", 1), old)], candidates);
    }

    [Fact]
    public void A_candidate_is_hanging_unless_its_coordinator_still_has_the_partition_in_the_open_transaction()
    {
        OpenTransaction Open(long producerId, int partition) => new(new("t", partition), new ProducerStateInfo(producerId, 0, 0, 1, 0, 5));
        var unknownProducer = Open(1, 0);
        var forgottenId = Open(2, 0);
        var vouchedFor = Open(3, 0);
        var partitionNotInTransaction = Open(3, 1);
        var transactionalIds = new Dictionary<long, string> { [2] = "forgotten", [3] = "live" };
        var descriptions = new Dictionary<string, TransactionDescription?>
        {
            ["forgotten"] = null,
            ["live"] = new TransactionDescription(1, "live", 3, 0, "Ongoing", 60000, 0, [new("t", 0)]),
        };

        var hanging = HangingTransactions.Confirm([unknownProducer, forgottenId, vouchedFor, partitionNotInTransaction], transactionalIds, descriptions);

        Assert.Equal([unknownProducer, forgottenId, partitionNotInTransaction], hanging);
    }

    [Fact]
    public void State_filters_accept_any_case_commas_and_repeats_and_reject_unknown_names()
    {
        Assert.Equal(["Ongoing", "PrepareCommit", "Empty"], TransactionsCommand.ParseStates(["ongoing,PREPARECOMMIT", "Empty", "ongoing"]));
        var e = Assert.Throws<CliException>(() => TransactionsCommand.ParseStates(["Open"]));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("Valid states are: Empty, Ongoing, PrepareCommit", e.Message, StringComparison.Ordinal);
    }
}
