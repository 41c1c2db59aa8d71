namespace Eddy.Broker.Topics;

/// <summary>Kafka's rules for topic names (org.apache.kafka.common.internals.Topic).</summary>
public static class TopicNames
{
    public const int MaxLength = 249;

    /// <summary>Committed offsets and group metadata, written by the group coordinator.</summary>
    public const string ConsumerOffsets = "__consumer_offsets";

    /// <summary>Transactional ids' state, written by the transaction coordinator.</summary>
    public const string TransactionState = "__transaction_state";

    /// <summary>Returns why the name is invalid, in Kafka's words, or null when it is valid.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "Topic name is illegal, it can't be empty";
        }
        if (name is "." or "..")
        {
            return "Topic name cannot be \".\" or \"..\"";
        }
        if (name.Length > MaxLength)
        {
            return $"Topic name is illegal, it can't be longer than {MaxLength} characters, topic name: {name}";
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return $"Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'";
            }
        }
        return null;
    }

    /// <summary>
    /// The broker's own topics, as Kafka's Topic.isInternal: only these two names. A user topic may start with "__"
    /// and is an ordinary topic.
    /// </summary>
    public static bool IsInternal(string name) => name is ConsumerOffsets or TransactionState;

    /// <summary>
    /// Kafka forbids topics whose names differ only by '.' versus '_': they collide in metric names.
    /// True when <paramref name="a"/> and <paramref name="b"/> are different names that collide.
    /// </summary>
    public static bool Collide(string a, string b) =>
        a.Length == b.Length && !string.Equals(a, b, StringComparison.Ordinal)
        && string.Equals(a.Replace('.', '_'), b.Replace('.', '_'), StringComparison.Ordinal);
}
