using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Eddy.Broker.Metrics;

/// <summary>
/// A Prometheus scrape endpoint (<c>http://host:port/metrics</c>) over the given meters: OpenTelemetry's SDK reads
/// the instruments and its Prometheus exporter writes the exposition format. <c>eddy up</c> serves its broker's and
/// its registry's meters on one, <c>eddy run</c> and <c>eddy sql -f</c> their worker's (the engine's libraries
/// define instruments only, and depend on no exporter). Only the meter instances given are read, not every meter of the same name in the
/// process: two brokers in one process (tests) each have their own endpoint, and one broker stopping does not take
/// the other's series away (OpenTelemetry merges same-named instruments of same-named meters into one stream,
/// which ends when any of them is disposed).
/// </summary>
public sealed class PrometheusEndpoint : IDisposable
{
    /// <summary>The default port of <c>eddy up --metrics-port</c>: 9404, which nothing else of Eddy's or of a Kafka stack (9092, 8081, 9090, 9100) uses.</summary>
    public const int DefaultPort = 9404;

    // Per-partition and per-group series: far more than the SDK's default of 2,000 points per metric.
    private const int SeriesPerMetric = 200_000;

    private static readonly string[] PerPartitionMetrics =
    [
        "eddy_partition_log_size", "eddy_partition_log_start_offset", "eddy_partition_log_end_offset", "eddy_partition_log_segments",
        "eddy_group_lag_records", "eddy_group_lag_seconds", "eddy_group_members",
        "eddy_broker_topic_in", "eddy_broker_topic_in_records", "eddy_broker_topic_out",
        "eddy_worker_consumer_lag_records", "eddy_partition_cleanable_ratio",
    ];

    // A worker's per-task and per-operator series (eddy_task_*, eddy_operator_*): tasks times operators, fewer than
    // a broker's partitions times groups (the SDK reserves room for the limit up front).
    private static readonly string[] PerTaskPrefixes = ["eddy_task_", "eddy_operator_"];
    private const int SeriesPerTaskMetric = 20_000;

    private readonly MeterProvider _provider;

    private PrometheusEndpoint(MeterProvider provider, string host, int port)
    {
        _provider = provider;
        Url = new Uri($"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}/metrics");
        Port = port;
    }

    /// <summary>Where Prometheus scrapes: <c>http://host:port/metrics</c>.</summary>
    public Uri Url { get; }

    /// <summary>The port listened on (the one picked when 0 was asked for).</summary>
    public int Port { get; }

    /// <summary>
    /// Starts listening on <paramref name="host"/>:<paramref name="port"/> (a wildcard host listens on every
    /// interface; port 0 picks a free one) and serves <paramref name="meters"/>.
    /// </summary>
    /// <exception cref="IOException">The port cannot be listened on (in use, not permitted).</exception>
    public static PrometheusEndpoint Start(string host, int port, params Meter[] meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        // HttpListener cannot pick a port itself: one the OS just handed out is taken, and a race lost is retried.
        var attempts = port == 0 ? 5 : 1;
        for (var attempt = 1; ; attempt++)
        {
            var chosen = port == 0 ? FreePort(host) : port;
            try
            {
                return new PrometheusEndpoint(Build(host, chosen, meters), host, chosen);
            }
            catch (InvalidOperationException e) when (e.InnerException is HttpListenerException or SocketException)
            {
                if (attempt >= attempts)
                {
                    throw new IOException($"cannot serve metrics on {host}:{chosen}: {e.InnerException.Message}", e);
                }
            }
        }
    }

    private static MeterProvider Build(string host, int port, Meter[] meters)
    {
        var served = meters.ToHashSet();
        var builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter([.. meters.Select(m => m.Name).Distinct(StringComparer.Ordinal)])
            // AddMeter selects by name; the instances not given are dropped, so they are never listened to at all.
            .AddView(instrument => !served.Contains(instrument.Meter) ? MetricStreamConfiguration.Drop
                : PerPartitionMetrics.Contains(instrument.Name, StringComparer.Ordinal) ? new MetricStreamConfiguration { CardinalityLimit = SeriesPerMetric }
                : PerTaskPrefixes.Any(p => instrument.Name.StartsWith(p, StringComparison.Ordinal)) ? new MetricStreamConfiguration { CardinalityLimit = SeriesPerTaskMetric }
                : null);
        return builder.AddPrometheusHttpListener(options =>
        {
            options.Host = IsWildcard(host) ? "+" : host;
            options.Port = port;
            options.ScrapeEndpointPath = "/metrics";
            // Eddy's names carry their component already; OpenTelemetry's scope labels and target_info would be noise.
            options.ScopeInfoEnabled = false;
            options.TargetInfoEnabled = false;
            // Every scrape sees the current state (lag above all), not a response cached from an earlier one.
            options.ScrapeResponseCacheDurationMilliseconds = 0;
        }).Build()!;
    }

    private static bool IsWildcard(string host) => host is "" or "0.0.0.0" or "::" or "*" or "+";

    private static int FreePort(string host)
    {
        var address = IsWildcard(host) ? IPAddress.Any : IPAddress.TryParse(host, out var parsed) ? parsed : IPAddress.Loopback;
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public void Dispose() => _provider.Dispose();
}
