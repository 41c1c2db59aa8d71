namespace Eddy.Broker.Topics;

/// <summary>Kafka's rules for topic names (org.apache.kafka.common.internals.Topic.validate).</summary>
public static class TopicNames
{
    public const int MaxLength = 249;

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

    public static bool IsInternal(string name) => name.StartsWith("__", StringComparison.Ordinal);
}
