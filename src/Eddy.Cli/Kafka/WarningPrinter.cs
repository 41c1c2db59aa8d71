using Confluent.Kafka;

namespace Eddy.Cli.Kafka;

/// <summary>
/// Prints the client's asynchronous errors (broker down, connection refused, ...) as <c>warning: NAME: reason</c> on
/// stderr, each distinct message once: librdkafka retries by itself and would otherwise repeat them every second.
/// </summary>
internal sealed class WarningPrinter
{
    private readonly TextWriter _stderr;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public WarningPrinter(TextWriter stderr)
    {
        _stderr = stderr;
    }

    public void Warn(Error error)
    {
        var line = KafkaErrors.Format(error);
        lock (_lock)
        {
            if (_seen.Add(line))
            {
                _stderr.Write($"warning: {line}\n");
                _stderr.Flush();
            }
        }
    }
}
