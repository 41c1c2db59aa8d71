using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Eddy.Registry;
using Eddy.Registry.Hosting;
using Eddy.Testing;

namespace Eddy.Registry.Tests;

/// <summary>An HTTP answer: status, body text, and the body as JSON.</summary>
public sealed record HttpResult(int Status, string Body, string? ContentType)
{
    public JsonElement Json
    {
        get
        {
            using var document = JsonDocument.Parse(Body);
            return document.RootElement.Clone();
        }
    }

    public int ErrorCode => Json.GetProperty("error_code").GetInt32();

    public string Message => Json.GetProperty("message").GetString()!;

    public int Id => Json.GetProperty("id").GetInt32();

    public int Version => Json.GetProperty("version").GetInt32();

    public override string ToString() => $"{Status} {Body}";
}

/// <summary>
/// A real broker (in process, on a free port), the registry on it through Confluent.Kafka, and the real Kestrel host
/// on a free port (the shared <see cref="RegistryFixture"/>), reached over HTTP.
/// </summary>
public sealed class RegistryHost : IAsyncDisposable
{
    public const string ContentType = "application/vnd.schemaregistry.v1+json";

    private readonly RegistryFixture _fixture;

    private RegistryHost(RegistryFixture fixture)
    {
        _fixture = fixture;
        Http = NewClient(fixture.RegistryUrl);
    }

    public BrokerFixture Broker => _fixture.Broker;

    public SchemaRegistryHost Server => _fixture.Registry;

    public HttpClient Http { get; private set; }

    public string Topic => _fixture.SchemasTopic;

    public string Url => Server.Url;

    public static async Task<RegistryHost> StartAsync(BrokerFixture? broker = null, string topic = RegistryOptions.DefaultTopic) =>
        new(await RegistryFixture.StartAsync(broker, topic));

    public static Task<SchemaRegistryHost> StartServerAsync(BrokerFixture broker, string topic = RegistryOptions.DefaultTopic) =>
        RegistryFixture.StartRegistryAsync(broker, topic);

    /// <summary>Stops this registry instance and starts a new one on the same broker and topic (it replays the topic).</summary>
    public async Task RestartRegistryAsync()
    {
        Http.Dispose();
        await _fixture.RestartRegistryAsync();
        Http = NewClient(_fixture.RegistryUrl);
    }

    private static HttpClient NewClient(string url) => new() { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };

    public Task<HttpResult> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<HttpResult> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    public Task<HttpResult> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<HttpResult> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json);

    public async Task<HttpResult> SendAsync(HttpMethod method, string path, string? json, string contentType = ContentType)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new HttpResult((int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The JSON body of a register or lookup request for <paramref name="schema"/>.</summary>
    public static string SchemaBody(string schema, string? schemaType = null, int? id = null, int? version = null)
    {
        var body = new Dictionary<string, object> { ["schema"] = schema };
        if (schemaType is not null)
        {
            body["schemaType"] = schemaType;
        }
        if (id is not null)
        {
            body["id"] = id.Value;
        }
        if (version is not null)
        {
            body["version"] = version.Value;
        }
        return JsonSerializer.Serialize(body);
    }

    public Task<HttpResult> RegisterAsync(string subject, string schema, string query = "") =>
        PostAsync($"/subjects/{Uri.EscapeDataString(subject)}/versions{query}", SchemaBody(schema));

    public async Task<int> RegisterOkAsync(string subject, string schema, string query = "")
    {
        var result = await RegisterAsync(subject, schema, query);
        Assert.True(result.Status == 200, result.ToString());
        return result.Id;
    }

    public Task<HttpResult> SetConfigAsync(string? subject, string level) =>
        PutAsync(subject is null ? "/config" : $"/config/{Uri.EscapeDataString(subject)}", $"{{\"compatibility\":\"{level}\"}}");

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _fixture.DisposeAsync();
    }
}

/// <summary>One broker and registry shared by the tests of a class (each test uses its own subjects).</summary>
public sealed class SharedRegistry : IAsyncLifetime
{
    private RegistryHost? _host;

    public RegistryHost Host => _host ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _host = await RegistryHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}

/// <summary>Avro schemas for the tests, as JSON text.</summary>
public static class Schemas
{
    private static int _counter;

    /// <summary>A subject name no other test uses.</summary>
    public static string Subject(string hint = "s") => $"{hint}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>A record schema; each field is written as its JSON (e.g. <c>{"name":"a","type":"int"}</c>).</summary>
    public static string Record(string name, params string[] fields) =>
        $"{{\"type\":\"record\",\"name\":\"{name}\",\"fields\":[{string.Join(",", fields)}]}}";

    public static string Field(string name, string type) => $"{{\"name\":\"{name}\",\"type\":{type}}}";

    /// <summary>A JSON string literal as the registry writes it (no escaping of '"' as \u0022).</summary>
    public static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value, Relaxed);

    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Field(string name, string type, string defaultJson) => $"{{\"name\":\"{name}\",\"type\":{type},\"default\":{defaultJson}}}";
}
