using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Eddy.Cli.Kafka;

/// <summary>
/// Turns Confluent.Kafka errors into the one-line messages the CLI prints: librdkafka's error name
/// (UNKNOWN_TOPIC_OR_PART, _TRANSPORT, ...) followed by the reason, one line per failed topic for admin batches.
/// </summary>
public static class KafkaErrors
{
    /// <summary>
    /// librdkafka's name for an error code (rd_kafka_err2name): the Confluent enum name in upper snake case, with
    /// Local_ errors prefixed by an underscore as librdkafka marks client-side errors.
    /// </summary>
    public static string Name(ErrorCode code)
    {
        var name = code.ToString();
        if (name.Length > 0 && (char.IsDigit(name[0]) || name[0] == '-'))
        {
            return $"ERR_{name}"; // a code newer than this Confluent.Kafka build
        }
        const string localPrefix = "Local_";
        var local = name.StartsWith(localPrefix, StringComparison.Ordinal);
        var words = local ? name[localPrefix.Length..] : name;
        var sb = new StringBuilder(words.Length + 8);
        if (local)
        {
            sb.Append('_');
        }
        for (var i = 0; i < words.Length; i++)
        {
            var c = words[i];
            // A word starts at an upper-case letter that follows a lower-case letter or digit, or that begins a
            // capitalised word after an acronym (the "S" in "SSLHandshake" stays with "SSL").
            if (i > 0 && char.IsUpper(c)
                && (char.IsLower(words[i - 1]) || char.IsDigit(words[i - 1])
                    || (i + 1 < words.Length && char.IsUpper(words[i - 1]) && char.IsLower(words[i + 1]))))
            {
                sb.Append('_');
            }
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary><c>NAME: reason</c>.</summary>
    public static string Format(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return $"{Name(error.Code)}: {error.Reason}";
    }

    /// <summary>
    /// The error lines for a Kafka exception. Admin batch exceptions carry a generic message; the per-topic errors
    /// they hold are what the user needs, so each failed topic gets its own line.
    /// </summary>
    public static IReadOnlyList<string> Describe(KafkaException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var lines = exception switch
        {
            CreateTopicsException e => PerSubject(e.Results.Select(r => (r.Topic, r.Error))),
            DeleteTopicsException e => PerSubject(e.Results.Select(r => (r.Topic, r.Error))),
            CreatePartitionsException e => PerSubject(e.Results.Select(r => (r.Topic, r.Error))),
            IncrementalAlterConfigsException e => PerSubject(e.Results.Select(r => (r.ConfigResource.Name, r.Error))),
            DescribeConfigsException e => PerSubject(e.Results.Select(r => (r.ConfigResource.Name, r.Error))),
            DescribeTopicsException e => PerSubject(e.Results.TopicDescriptions.Select(t => (t.Name, t.Error))),
            DescribeConsumerGroupsException e => PerSubject(e.Results.ConsumerGroupDescriptions.Select(g => (g.GroupId, g.Error)), "group"),
            DeleteGroupsException e => PerSubject(e.Results.Select(r => (r.Group, r.Error)), "group"),
            ListConsumerGroupOffsetsException e => PerSubject(e.Results.SelectMany(r => r.Error.IsError
                ? [(r.Group, r.Error)]
                : r.Partitions.Select(p => ($"{p.Topic}-{p.Partition.Value}", p.Error))), "partition"),
            AlterConsumerGroupOffsetsException e => PerSubject(e.Results.SelectMany(r => r.Error.IsError
                ? [(r.Group, r.Error)]
                : r.Partitions.Select(p => ($"{p.Topic}-{p.Partition.Value}", p.Error))), "partition"),
            ListOffsetsException e => PerSubject(e.Result.ResultInfos.Select(i => i.TopicPartitionOffsetError)
                .Select(p => ($"{p.Topic}-{p.Partition.Value}", p.Error)), "partition"),
            _ => [],
        };
        return lines.Count > 0 ? lines : [Format(exception.Error)];
    }

    private static List<string> PerSubject(IEnumerable<(string Subject, Error Error)> results, string kind = "topic")
    {
        var lines = new List<string>();
        foreach (var (subject, error) in results)
        {
            if (error is null || !error.IsError)
            {
                continue;
            }
            var line = Format(error);
            // Broker messages usually name the topic; add it when they do not, so a batch failure says which one.
            lines.Add(string.IsNullOrEmpty(subject) || error.Reason.Contains(subject, StringComparison.Ordinal) ? line : $"{line} ({kind} '{subject}')");
        }
        return lines;
    }
}
