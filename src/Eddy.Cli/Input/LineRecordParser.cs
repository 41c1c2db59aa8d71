namespace Eddy.Cli.Input;

/// <summary>
/// Splits an input line into key and value the way kafka-console-producer does with parse.key=true: the text before
/// the first key separator is the key, the rest is the value. Without a separator the whole line is the value.
/// </summary>
public sealed class LineRecordParser
{
    private readonly string? _keySeparator;

    public LineRecordParser(string? keySeparator)
    {
        if (keySeparator is { Length: 0 })
        {
            throw CliException.Usage("--key-separator must not be empty");
        }
        _keySeparator = keySeparator;
    }

    public bool ParsesKeys => _keySeparator is not null;

    /// <summary>The key (null when keys are not parsed) and value of one line; <paramref name="lineNumber"/> is 1-based, for the message.</summary>
    public (string? Key, string Value) Parse(string line, long lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (_keySeparator is null)
        {
            return (null, line);
        }
        var at = line.IndexOf(_keySeparator, StringComparison.Ordinal);
        if (at < 0)
        {
            // Kafka's LineMessageReader rejects such a line rather than guessing whether it is a key or a value.
            throw new CliException($"No key separator found on line number {lineNumber}: '{line}'");
        }
        return (line[..at], line[(at + _keySeparator.Length)..]);
    }
}
