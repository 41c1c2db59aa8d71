namespace Eddy.Cli.Run;

/// <summary>Produces a sample job's input while the job runs, so that a first run has data to show.</summary>
internal interface IDataGenerator
{
    /// <summary>The topic it writes (created by the host, if missing, before the generator and the job start).</summary>
    string Topic { get; }

    /// <summary>Records acknowledged by the cluster so far.</summary>
    long Produced { get; }

    /// <summary>Records the cluster did not take.</summary>
    long Failed { get; }

    string? LastError { get; }

    /// <summary>Produces <paramref name="recordsPerSecond"/> until cancelled, then flushes.</summary>
    /// <param name="clientConfig">The run's client properties, bootstrap.servers included.</param>
    Task RunAsync(IReadOnlyDictionary<string, string> clientConfig, double recordsPerSecond, CancellationToken cancellationToken);
}
