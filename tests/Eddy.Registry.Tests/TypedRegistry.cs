using static Eddy.Registry.Tests.Schemas;

namespace Eddy.Registry.Tests;

/// <summary>The registry as a client of one schema type (<c>JSON</c>, <c>PROTOBUF</c>) uses it: every request carries that <c>schemaType</c>.</summary>
public sealed class TypedRegistry(RegistryHost host, string schemaType)
{
    public RegistryHost Host => host;

    public Task<HttpResult> RegisterAsync(string subject, string schema, string query = "") =>
        host.PostAsync($"/subjects/{subject}/versions{query}", RegistryHost.SchemaBody(schema, schemaType));

    public Task<HttpResult> LookUpAsync(string subject, string schema) =>
        host.PostAsync($"/subjects/{subject}", RegistryHost.SchemaBody(schema, schemaType));

    /// <summary>POST /compatibility/subjects/{subject}/versions/latest, with <c>?verbose=true</c> when asked.</summary>
    public Task<HttpResult> CheckLatestAsync(string subject, string schema, bool verbose = false) =>
        host.PostAsync($"/compatibility/subjects/{subject}/versions/latest{(verbose ? "?verbose=true" : "")}", RegistryHost.SchemaBody(schema, schemaType));

    /// <summary>
    /// An invalid schema is refused with 42201 both when registered (the message starts with <paramref name="messageStart"/>
    /// and names <paramref name="where"/>) and when checked for compatibility.
    /// </summary>
    public async Task AssertInvalidAsync(string subject, string schema, string messageStart, string where)
    {
        var result = await RegisterAsync(subject, schema);
        Assert.Equal((422, 42201), (result.Status, result.ErrorCode));
        Assert.StartsWith(messageStart, result.Message, StringComparison.Ordinal);
        Assert.Contains(where, result.Message, StringComparison.Ordinal);
        Assert.Equal(42201, (await CheckLatestAsync(subject, schema)).ErrorCode);
    }

    /// <summary>
    /// Confluent's evolution of a subject under BACKWARD: after <paramref name="original"/>, <paramref name="compatible"/>
    /// checks compatible; <paramref name="incompatible"/> checks incompatible with the verbose messages (its first one
    /// <paramref name="refusal"/>, of type <paramref name="errorType"/>) and registering it is a 409; then
    /// <paramref name="compatible"/> registers as version 2.
    /// </summary>
    public async Task AssertEvolutionAsync(string subject, string original, string compatible, string incompatible, string errorType, string refusal)
    {
        Assert.Equal(200, (await RegisterAsync(subject, original)).Status);

        Assert.Equal("{\"is_compatible\":true,\"messages\":[]}", (await CheckLatestAsync(subject, compatible, verbose: true)).Body);
        Assert.Equal(
            $"{{\"is_compatible\":false,\"messages\":[{JsonString(refusal)},\"{{oldSchemaVersion: 1}}\","
            + $"{JsonString("{oldSchema: '" + original + "'}")},\"{{validateFields: 'false', compatibility: 'BACKWARD'}}\"]}}",
            (await CheckLatestAsync(subject, incompatible, verbose: true)).Body);

        var conflict = await RegisterAsync(subject, incompatible);
        Assert.Equal((409, 409), (conflict.Status, conflict.ErrorCode));
        Assert.StartsWith($"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{{errorType:\"{errorType}\"",
            conflict.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await RegisterAsync(subject, compatible)).Version);
    }
}
