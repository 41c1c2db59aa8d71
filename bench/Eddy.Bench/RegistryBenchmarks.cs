using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Eddy.Bench;

/// <summary>
/// `eddy bench registry`: schema registrations per second (each a new schema, so each is a compatibility check and
/// a write to `_schemas` acknowledged after it is applied from the log), then schema-by-id reads per second (what
/// every deserializer asks on its first record), both over HTTP with concurrent clients as Confluent serializers
/// would send them. Without --bootstrap it starts a fresh `eddy up` with its registry on a free port; with
/// --bootstrap, -X registry.url=http://host:port names the registry to measure.
/// </summary>
public static class RegistryBenchmarks
{
    private const string ContentType = "application/vnd.schemaregistry.v1+json";

    /// <summary>Runs the registrations and the reads, reporting to <paramref name="output"/>; returns 0.</summary>
    public static async Task<int> RunAsync(BenchOptions options, TextWriter output, TextWriter progress, CancellationToken cancellationToken)
    {
        var registryPort = FreePort();
        using var broker = options.Bootstrap is null ? await BenchBroker.StartAsync(options.Broker, cancellationToken, "--registry-port", registryPort.ToString(CultureInfo.InvariantCulture)) : null;
        var url = options.ClientProperties.FirstOrDefault(p => p.Key == "registry.url").Value ?? $"http://127.0.0.1:{registryPort}";
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        await WaitForRegistryAsync(http, cancellationToken);
        var run = Guid.NewGuid().ToString("N")[..8];
        var registrations = (int)Math.Min(options.Records, 2000);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"registry: {url}, {registrations:N0} registrations over 20 subjects, then schema-by-id reads for 5 s, 32 concurrent clients"));

        var ids = new int[registrations];
        var next = -1;
        var latency = new LatencyHistogram(registrations);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < registrations && !cancellationToken.IsCancellationRequested)
            {
                // Adding an optional field keeps every version BACKWARD compatible with the one before.
                var schema = $$"""{"type":"record","name":"Bench{{run}}","fields":[{"name":"id","type":"long"},{"name":"f{{i}}","type":["null","string"],"default":null}]}""";
                using var content = new StringContent(JsonSerializer.Serialize(new { schema }), Encoding.UTF8, ContentType);
                var watch = Stopwatch.StartNew();
                using var response = await http.PostAsync($"subjects/bench-{run}-{i % 20}-value/versions", content, cancellationToken);
                latency.Record(watch.ElapsedTicks * 1_000_000 / Stopwatch.Frequency);
                response.EnsureSuccessStatusCode();
                ids[i] = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["id"]!.GetValue<int>();
            }
        }, cancellationToken)));
        var registerSeconds = clock.Elapsed.TotalSeconds;
        var (r50, r99, _, rMax) = latency.Percentiles();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  registrations: {registrations / registerSeconds:N0}/s ({registrations:N0} in {registerSeconds:F2} s), latency p50 {r50:F2} ms, p99 {r99:F2} ms, max {rMax:F2} ms"));

        long reads = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(TimeSpan.FromSeconds(5));
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(worker => Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            for (var n = worker; !stop.IsCancellationRequested; n += 32)
            {
                try
                {
                    using var response = await http.GetAsync($"schemas/ids/{ids[n % ids.Length]}", HttpCompletionOption.ResponseHeadersRead, stop.Token);
                    response.EnsureSuccessStatusCode();
                    await using var body = await response.Content.ReadAsStreamAsync(stop.Token);
                    while (await body.ReadAsync(buffer, stop.Token) > 0)
                    {
                    }
                    Interlocked.Increment(ref reads);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
            }
        }, CancellationToken.None)));
        var readSeconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  schema by id: {reads / readSeconds:N0} requests/s ({reads:N0} in {readSeconds:F2} s)"));
        if (broker is not null && ProcessSampler.IsAvailable(broker.Pid))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  eddy up (broker + registry) RSS {new ProcessSampler(broker.Pid).RssBytes() / 1_000_000} MB"));
        }
        return 0;
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task WaitForRegistryAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"the registry at {http.BaseAddress} did not answer GET /");
            }
            await Task.Delay(200, cancellationToken);
        }
    }
}
