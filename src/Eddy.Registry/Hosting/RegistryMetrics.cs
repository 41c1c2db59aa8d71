using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Eddy.Registry.Rest;

namespace Eddy.Registry.Hosting;

/// <summary>
/// The registry's instruments, on a <see cref="Meter"/> named <see cref="MeterName"/> (one per hosted registry,
/// disposed with it): its HTTP requests, their latency and errors by Confluent error code, counted as they are
/// answered; its subjects and schemas, read when a scrape asks. docs/metrics.md lists them.
/// </summary>
public sealed class RegistryMetrics : IDisposable
{
    /// <summary>The name of the registry's meter, for a MeterProvider's AddMeter.</summary>
    public const string MeterName = "Eddy.Registry";

    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Meter _meter = new(MeterName);

    /// <summary>The registry's meter, for an endpoint that serves this registry's metrics.</summary>
    public Meter Meter => _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _errors;
    private readonly Histogram<double> _duration;

    internal RegistryMetrics(Func<RegistryService?> registry)
    {
        _requests = _meter.CreateCounter<long>("eddy_registry_requests", "{request}", "HTTP requests answered, by method and status.");
        _errors = _meter.CreateCounter<long>("eddy_registry_request_errors", "{error}",
            "Requests answered with an error, by Confluent error code (40401 subject not found, 42201 invalid schema, ...).");
        _duration = _meter.CreateHistogram("eddy_registry_request_duration", "s", "Time to answer a request, by method.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _meter.CreateObservableGauge("eddy_registry_subjects", () => Count(registry, r => r.ListSubjects(null, LookupFilter.Default).Count),
            "{subject}", "Subjects with at least one live (not deleted) version.");
        _meter.CreateObservableGauge("eddy_registry_schema_versions", () => Count(registry, r => r.ListSchemas(null, false, false).Count),
            "{version}", "Live subject versions.");
        _meter.CreateObservableGauge("eddy_registry_schemas",
            () => Count(registry, r => r.ListSchemas(null, false, false).Select(s => s.Id).Distinct().Count()),
            "{schema}", "Distinct schemas (global ids) that a live version uses.");
    }

    /// <summary>Counts an answered request.</summary>
    internal void RequestAnswered(string method, long startTimestamp, RestResponse response)
    {
        var methodTag = new KeyValuePair<string, object?>("method", method);
        _requests.Add(1, methodTag, new KeyValuePair<string, object?>("status", response.Status));
        _duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, methodTag);
        if (response.Status >= 400)
        {
            _errors.Add(1, new KeyValuePair<string, object?>("code", ErrorCodeOf(response)));
        }
    }

    public void Dispose() => _meter.Dispose();

    // Confluent's error body carries the precise code ({"error_code":40401,...}); the HTTP status stands in when it does not.
    private static int ErrorCodeOf(RestResponse response)
    {
        try
        {
            var reader = new Utf8JsonReader(response.Body);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("error_code")
                    && reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var code))
                {
                    return code;
                }
            }
        }
        catch (JsonException)
        {
            // Not Confluent's error body.
        }
        return response.Status;
    }

    private static long Count(Func<RegistryService?> registry, Func<RegistryService, int> count)
    {
        try
        {
            return registry() is { } r ? count(r) : 0;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }
}
