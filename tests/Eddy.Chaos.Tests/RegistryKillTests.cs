using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Eddy.Testing;

namespace Eddy.Chaos.Tests;

/// <summary>
/// Schema registry crash consistency (reliability.md T5): schemas are registered and soft-deleted concurrently over
/// many subjects while `eddy up` (broker and registry in one process) is killed with SIGKILL. After each restart every
/// acknowledged registration is readable by id and by subject/version, ids are unique and never reused for another
/// schema, the same schema under two subjects has one id, versions only grow, and the `_schemas` log replays to the
/// state the live process served.
/// </summary>
public class RegistryKillTests
{
    private const int Writers = 4;

    private sealed record Ack(string Subject, int Version, int Id, string Schema, int Writer, long Sequence);

    [Fact]
    public async Task Acknowledged_registrations_survive_kill_9_with_unique_ids_and_growing_versions()
    {
        using var data = new TempDirectory("eddy-chaos-registry");
        var port = BrokerProcess.FreePort();
        var registryPort = BrokerProcess.FreePort();
        string[] args = ["--registry-port", registryPort.ToString(CultureInfo.InvariantCulture)];
        var broker = BrokerProcess.Start(data.Path, port, args);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{registryPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        var acks = new ConcurrentBag<Ack>();
        // Soft deletes sent: true once acknowledged, false while in flight or unanswered.
        var deleted = new ConcurrentDictionary<(string Subject, int Version), bool>();
        long sequence = 0;
        try
        {
            await WaitForRegistry(http);
            for (var round = 0; round < 3; round++)
            {
                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, Writers)
                    .Select(w => Task.Run(() => WriteAsync(http, w, round, acks, deleted, () => Interlocked.Increment(ref sequence), stop.Token)))
                    .ToList();
                await Task.Delay(2000 + Random.Shared.Next(2000));
                broker.Kill9();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
                broker.Dispose();
                broker = BrokerProcess.Start(data.Path, port, args);
                await WaitForRegistry(http);
                await VerifyAsync(http, acks, deleted);
            }
            Assert.True(acks.Count >= 50, $"only {acks.Count} registrations were acknowledged: the test did not exercise the registry");

            // With nothing in flight, what the live process serves is what a replay of _schemas rebuilds.
            var live = await SnapshotAsync(http);
            broker.Kill9();
            broker.Dispose();
            broker = BrokerProcess.Start(data.Path, port, args);
            await WaitForRegistry(http);
            Assert.Equal(live, await SnapshotAsync(http));
        }
        finally
        {
            broker.Dispose();
        }
    }

    private static async Task WriteAsync(HttpClient http, int writer, int round, ConcurrentBag<Ack> acks,
        ConcurrentDictionary<(string, int), bool> deleted, Func<long> next, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            try
            {
                // Each writer owns its subjects, so its acknowledgements give the order versions must follow.
                var subject = $"w{writer}-s{n % 5}";
                var field = $"f_{writer}_{round}_{n}";
                var schema = $$"""{"type":"record","name":"R","fields":[{"name":"{{field}}","type":"int","default":0}]}""";
                if (await RegisterAsync(http, subject, schema, writer, next(), stop) is { } ack)
                {
                    acks.Add(ack);
                }
                if (n % 7 == 3)
                {
                    // The same schema under two subjects must get one id.
                    var shared = $$"""{"type":"record","name":"Shared{{writer}}x{{round}}x{{n}}","fields":[{"name":"a","type":"string"}]}""";
                    foreach (var s in new[] { $"w{writer}-shared-a", $"w{writer}-shared-b" })
                    {
                        if (await RegisterAsync(http, s, shared, writer, next(), stop) is { } sharedAck)
                        {
                            acks.Add(sharedAck);
                        }
                    }
                }
                if (n % 11 == 5 && acks.Where(a => a.Writer == writer && a.Subject == subject).OrderBy(a => a.Sequence).FirstOrDefault() is { } victim)
                {
                    // Noted before it is sent: a kill can land after the registry stored the soft delete and before
                    // its answer arrived, and that version is then rightly served only with ?deleted=true.
                    deleted.TryAdd((victim.Subject, victim.Version), false);
                    using var response = await http.DeleteAsync($"subjects/{victim.Subject}/versions/{victim.Version}", stop);
                    if (response.IsSuccessStatusCode)
                    {
                        deleted[(victim.Subject, victim.Version)] = true;
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
            {
                // The process is down (or being killed): that write was not acknowledged.
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private static async Task<Ack?> RegisterAsync(HttpClient http, string subject, string schema, int writer, long sequence, CancellationToken stop)
    {
        using var content = new StringContent(JsonSerializer.Serialize(new { schema }), Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
        using var response = await http.PostAsync($"subjects/{subject}/versions", content, stop);
        if (!response.IsSuccessStatusCode)
        {
            return null;
        }
        var id = (await response.Content.ReadFromJsonAsync<JsonObject>(stop))!["id"]!.GetValue<int>();
        // The version of this registration, asked the way the .NET client asks (lookup under the subject).
        using var lookupContent = new StringContent(JsonSerializer.Serialize(new { schema }), Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
        using var lookup = await http.PostAsync($"subjects/{subject}", lookupContent, stop);
        lookup.EnsureSuccessStatusCode();
        var found = (await lookup.Content.ReadFromJsonAsync<JsonObject>(stop))!;
        Assert.Equal(id, found["id"]!.GetValue<int>());
        return new Ack(subject, found["version"]!.GetValue<int>(), id, schema, writer, sequence);
    }

    private static async Task VerifyAsync(HttpClient http, ConcurrentBag<Ack> acks, ConcurrentDictionary<(string, int), bool> deleted)
    {
        foreach (var ack in acks)
        {
            using var byId = await http.GetAsync($"schemas/ids/{ack.Id}");
            Assert.True(byId.StatusCode == HttpStatusCode.OK, $"acknowledged id {ack.Id} ({ack.Subject} v{ack.Version}) is gone: {(int)byId.StatusCode}");
            var stored = (await byId.Content.ReadFromJsonAsync<JsonObject>())!["schema"]!.GetValue<string>();
            Assert.Equal(Canonical(ack.Schema), Canonical(stored));

            var versionUrl = $"subjects/{ack.Subject}/versions/{ack.Version}" + (deleted.ContainsKey((ack.Subject, ack.Version)) ? "?deleted=true" : "");
            using var byVersion = await http.GetAsync(versionUrl);
            Assert.True(byVersion.StatusCode == HttpStatusCode.OK, $"acknowledged {ack.Subject} v{ack.Version} is gone: {(int)byVersion.StatusCode}");
            Assert.Equal(ack.Id, (await byVersion.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<int>());
        }
        // One id, one schema; one schema, one id.
        foreach (var group in acks.GroupBy(a => a.Id))
        {
            Assert.Single(group.Select(a => Canonical(a.Schema)).Distinct());
        }
        foreach (var group in acks.GroupBy(a => Canonical(a.Schema)))
        {
            Assert.Single(group.Select(a => a.Id).Distinct());
        }
        // Versions of a subject grow in the order its writer was answered.
        foreach (var subject in acks.GroupBy(a => a.Subject))
        {
            var versions = subject.OrderBy(a => a.Sequence).Select(a => a.Version).ToList();
            for (var i = 1; i < versions.Count; i++)
            {
                Assert.True(versions[i] > versions[i - 1], $"{subject.Key}: version {versions[i]} acknowledged after version {versions[i - 1]}");
            }
        }
    }

    /// <summary>Every subject with its versions (deleted ones included) and their ids, as the registry serves them.</summary>
    private static async Task<string> SnapshotAsync(HttpClient http)
    {
        var snapshot = new StringBuilder();
        var subjects = (await http.GetFromJsonAsync<List<string>>("subjects?deleted=true"))!;
        foreach (var subject in subjects.Order(StringComparer.Ordinal))
        {
            var versions = (await http.GetFromJsonAsync<List<int>>($"subjects/{subject}/versions?deleted=true"))!;
            foreach (var version in versions.Order())
            {
                var entry = (await http.GetFromJsonAsync<JsonObject>($"subjects/{subject}/versions/{version}?deleted=true"))!;
                snapshot.Append(CultureInfo.InvariantCulture, $"{subject} v{version} id {entry["id"]}\n");
            }
        }
        return snapshot.ToString();
    }

    private static string Canonical(string schema) => JsonNode.Parse(schema)!.ToJsonString();

    private static async Task WaitForRegistry(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("");
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
                throw new TimeoutException("the registry did not answer GET /");
            }
            await Task.Delay(200);
        }
    }
}
