namespace Eddy.Broker.Configuration;

/// <summary>The value types Kafka's DescribeConfigs reports (ConfigType in DescribeConfigsResponse v3+).</summary>
public enum ConfigType : sbyte
{
    Unknown = 0,
    Boolean = 1,
    String = 2,
    Int = 3,
    Short = 4,
    Long = 5,
    Double = 6,
    List = 7,
    Class = 8,
    Password = 9,
}

/// <summary>
/// One configuration key, by Kafka's own name. A topic-level key names the broker key that supplies its
/// default (<see cref="BrokerSynonym"/>), as retention.ms falls back to log.retention.ms in Kafka.
/// </summary>
public sealed record ConfigDefinition(
    string Name,
    ConfigType Type,
    string? Default,
    string Documentation,
    string? BrokerSynonym = null,
    string[]? ValidValues = null,
    long Minimum = long.MinValue)
{
    /// <summary>Checks a value; returns an error message in Kafka's words, or null when it is valid.</summary>
    public string? Validate(string? value)
    {
        if (value is null)
        {
            return Default is null ? null : $"Invalid value null for configuration {Name}: must not be null";
        }
        switch (Type)
        {
            case ConfigType.Boolean:
                if (!bool.TryParse(value, out _))
                {
                    return $"Invalid value {value} for configuration {Name}: Expected value to be either true or false";
                }
                break;
            case ConfigType.Int:
            case ConfigType.Short:
            case ConfigType.Long:
                if (!long.TryParse(value.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n)
                    || (Type == ConfigType.Int && (n < int.MinValue || n > int.MaxValue))
                    || (Type == ConfigType.Short && (n < short.MinValue || n > short.MaxValue)))
                {
                    return $"Invalid value {value} for configuration {Name}: Not a number of type {Type.ToString().ToUpperInvariant()}";
                }
                if (n < Minimum)
                {
                    return $"Invalid value {value} for configuration {Name}: Value must be at least {Minimum}";
                }
                break;
            case ConfigType.Double:
                if (!double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    return $"Invalid value {value} for configuration {Name}: Not a number of type DOUBLE";
                }
                break;
        }
        if (ValidValues is { } valid)
        {
            var items = Type == ConfigType.List ? value.Split(',', StringSplitOptions.TrimEntries) : [value];
            foreach (var item in items)
            {
                if (!valid.Contains(item, StringComparer.Ordinal))
                {
                    return $"Invalid value {value} for configuration {Name}: String must be one of: {string.Join(", ", valid)}";
                }
            }
        }
        return null;
    }
}
