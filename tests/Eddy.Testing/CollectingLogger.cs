using Microsoft.Extensions.Logging;

namespace Eddy.Testing;

/// <summary>A logger that keeps the warnings it is given, for tests of what code reports while it goes on.</summary>
public sealed class CollectingLogger : ILogger
{
    private readonly List<string> _warnings = [];

    /// <summary>The warnings logged so far, formatted, in order.</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_warnings)
            {
                return [.. _warnings];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (logLevel == LogLevel.Warning)
        {
            lock (_warnings)
            {
                _warnings.Add(formatter(state, exception));
            }
        }
    }
}
