using System.Globalization;
using System.Text;

namespace Eddy.Cli.Output;

/// <summary>
/// kafka-transactions.sh's tables: list, describe, describe-producers and find-hanging. As the Java tool prints
/// them, every column is as wide as its header or longest value and columns are separated by a tab; unlike it, the
/// last column is not padded and not followed by a tab, so every row has exactly one cell per header (an empty last
/// cell, such as an idle id's TopicPartitions, leaves the row ending in its tab). Values Kafka prints as "None" (no
/// open transaction) print as "None".
/// </summary>
public static class TransactionsText
{
    public const string None = "None";

    public static readonly string[] ListHeaders = ["TransactionalId", "Coordinator", "ProducerId", "TransactionState"];

    public static readonly string[] DescribeHeaders =
    [
        "CoordinatorId", "TransactionalId", "ProducerId", "ProducerEpoch", "TransactionState", "TransactionTimeoutMs",
        "CurrentTransactionStartTimeMs", "TransactionDurationMs", "TopicPartitions",
    ];

    public static readonly string[] ProducerHeaders =
        ["ProducerId", "ProducerEpoch", "LatestCoordinatorEpoch", "LastSequence", "LastTimestamp", "CurrentTransactionStartOffset"];

    public static readonly string[] HangingHeaders =
        ["Topic", "Partition", "ProducerId", "ProducerEpoch", "CoordinatorEpoch", "StartOffset", "LastTimestamp", "Duration(min)"];

    /// <summary>list: one row per transactional id, sorted by id.</summary>
    public static void WriteList(IEnumerable<TransactionListing> listings, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(listings);
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Table(ListHeaders, Sorted(listings).Select(l => new[]
        {
            l.TransactionalId, Number(l.Coordinator), Number(l.ProducerId), l.State,
        })));
    }

    /// <summary>describe: one row; the duration is measured from <paramref name="nowMs"/>, and partitions are <c>topic-0,topic-1</c>.</summary>
    public static void WriteDescription(TransactionDescription description, long nowMs, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(output);
        var open = description.StartTimeMs >= 0;
        output.Write(Table(DescribeHeaders, [[
            Number(description.CoordinatorId),
            description.TransactionalId,
            Number(description.ProducerId),
            Number(description.ProducerEpoch),
            description.State,
            Number(description.TimeoutMs),
            open ? Number(description.StartTimeMs) : None,
            open ? Number(nowMs - description.StartTimeMs) : None,
            string.Join(',', description.Partitions),
        ]]));
    }

    /// <summary>describe-producers: one row per active producer, by producer id.</summary>
    public static void WriteProducers(IEnumerable<ProducerStateInfo> producers, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(producers);
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Table(ProducerHeaders, producers.OrderBy(p => p.ProducerId).Select(p => new[]
        {
            Number(p.ProducerId),
            Number(p.ProducerEpoch),
            Number(p.CoordinatorEpoch),
            Number(p.LastSequence),
            Number(p.LastTimestamp),
            p.CurrentTransactionStartOffset >= 0 ? Number(p.CurrentTransactionStartOffset) : None,
        })));
    }

    /// <summary>find-hanging: one row per hanging transaction; only the header when there is none, as in Kafka.</summary>
    public static void WriteHanging(IEnumerable<OpenTransaction> hanging, long nowMs, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(hanging);
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Table(HangingHeaders, hanging.Select(t => new[]
        {
            t.Partition.Topic,
            Number(t.Partition.Partition),
            Number(t.Producer.ProducerId),
            Number(t.Producer.ProducerEpoch),
            Number(t.Producer.CoordinatorEpoch),
            Number(t.Producer.CurrentTransactionStartOffset),
            Number(t.Producer.LastTimestamp),
            Number(HangingTransactions.DurationMinutes(t, nowMs)),
        })));
    }

    /// <summary>
    /// Kafka's prettyPrintTable: each column padded to its widest cell and followed by a tab, except the last,
    /// which is neither padded nor followed by a tab.
    /// </summary>
    internal static string Table(string[] headers, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { headers };
        all.AddRange(rows);
        var widths = new int[headers.Length];
        for (var i = 0; i < headers.Length; i++)
        {
            widths[i] = all.Max(r => r[i].Length);
        }
        var sb = new StringBuilder();
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    line.Append('\t');
                }
                line.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i]));
            }
            sb.Append(line).Append('\n');
        }
        return sb.ToString();
    }

    internal static IEnumerable<TransactionListing> Sorted(IEnumerable<TransactionListing> listings) =>
        listings.OrderBy(l => l.TransactionalId, StringComparer.Ordinal).ThenBy(l => l.Coordinator);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
