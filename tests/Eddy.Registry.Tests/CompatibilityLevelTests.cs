using static Eddy.Registry.Tests.Schemas;

namespace Eddy.Registry.Tests;

/// <summary>
/// Each compatibility level's rule, on the schemas of Confluent's AvroCompatibilityTest, through registration: which
/// level checks which direction, and against the latest version only or against all of them.
/// </summary>
public class CompatibilityLevelTests(SharedRegistry registry) : IClassFixture<SharedRegistry>
{
    private readonly RegistryHost _r = registry.Host;

    // AvroCompatibilityTest: schema1 {f1}, schema2 {f1, f2 with default}, schema3 {f1, f2 without default},
    // schema4 {f1_new aliased to f1}, schema6 {f1: [null, string]}, schema7 {f1: [null, string, int]}.
    private static readonly string Schema1 = Record("myrecord", Field("f1", "\"string\""));
    private static readonly string Schema2 = Record("myrecord", Field("f1", "\"string\""), Field("f2", "\"string\"", "\"foo\""));
    private static readonly string Schema3 = Record("myrecord", Field("f1", "\"string\""), Field("f2", "\"string\""));
    private static readonly string Schema4 = Record("myrecord", "{\"name\":\"f1_new\",\"type\":\"string\",\"aliases\":[\"f1\"]}");
    private static readonly string Schema6 = Record("myrecord", Field("f1", "[\"null\",\"string\"]"));
    private static readonly string Schema7 = Record("myrecord", Field("f1", "[\"null\",\"string\",\"int\"]"));

    /// <summary>Registers <paramref name="history"/> under a new subject at <paramref name="level"/>, then says whether
    /// <paramref name="candidate"/> is accepted.</summary>
    private async Task<bool> AcceptedAsync(string level, string candidate, params string[] history)
    {
        var subject = Subject(level.ToLowerInvariant());
        Assert.Equal(200, (await _r.SetConfigAsync(subject, "NONE")).Status);
        foreach (var schema in history)
        {
            await _r.RegisterOkAsync(subject, schema);
        }
        Assert.Equal(200, (await _r.SetConfigAsync(subject, level)).Status);
        var check = await _r.PostAsync($"/compatibility/subjects/{subject}/versions", RegistryHost.SchemaBody(candidate));
        var result = await _r.RegisterAsync(subject, candidate);
        Assert.True(result.Status is 200 or 409, result.ToString());
        Assert.Equal(result.Status == 200, check.Json.GetProperty("is_compatible").GetBoolean());
        if (result.Status == 409)
        {
            Assert.Equal(409, result.ErrorCode);
            Assert.EndsWith($"{{validateFields: 'false', compatibility: '{level}'}}]", result.Message, StringComparison.Ordinal);
        }
        return result.Status == 200;
    }

    [Fact]
    public async Task None_accepts_anything()
    {
        Assert.True(await AcceptedAsync("NONE", Schema3, Schema1));
        Assert.True(await AcceptedAsync("NONE", Record("other", Field("x", "\"bytes\"")), Schema1));
    }

    [Fact]
    public async Task Backward_lets_the_new_schema_read_the_latest_ones_data()
    {
        Assert.True(await AcceptedAsync("BACKWARD", Schema2, Schema1), "adding a field with a default");
        Assert.False(await AcceptedAsync("BACKWARD", Schema3, Schema1), "adding a field without a default");
        Assert.True(await AcceptedAsync("BACKWARD", Schema4, Schema1), "renaming a field with an alias");
        Assert.True(await AcceptedAsync("BACKWARD", Schema6, Schema1), "widening to a union");
        Assert.True(await AcceptedAsync("BACKWARD", Schema7, Schema6), "adding a union branch");
        Assert.False(await AcceptedAsync("BACKWARD", Schema6, Schema7), "removing a union branch");
        Assert.True(await AcceptedAsync("BACKWARD", Schema1, Schema2), "removing a field");
    }

    [Fact]
    public async Task Backward_checks_only_the_latest_version_while_backward_transitive_checks_them_all()
    {
        // Confluent's non-transitive quirk: schema3 (f2 without a default) cannot read schema1's data, but BACKWARD
        // only looks at schema2, which has f2.
        Assert.True(await AcceptedAsync("BACKWARD", Schema3, Schema1, Schema2));
        Assert.False(await AcceptedAsync("BACKWARD_TRANSITIVE", Schema3, Schema1, Schema2));
        Assert.True(await AcceptedAsync("BACKWARD_TRANSITIVE", Schema2, Schema1));
    }

    [Fact]
    public async Task Forward_lets_the_latest_schema_read_the_new_ones_data()
    {
        Assert.True(await AcceptedAsync("FORWARD", Schema2, Schema1), "adding a field: old readers ignore it");
        Assert.True(await AcceptedAsync("FORWARD", Schema1, Schema2), "removing a field that had a default");
        Assert.False(await AcceptedAsync("FORWARD", Schema1, Schema3), "removing a field the old reader needs");
        Assert.True(await AcceptedAsync("FORWARD", Schema3, Schema1), "adding a field without a default is fine forward");
    }

    [Fact]
    public async Task Forward_transitive_makes_every_earlier_schema_read_the_new_data()
    {
        Assert.True(await AcceptedAsync("FORWARD", Schema1, Schema3, Schema2));
        Assert.False(await AcceptedAsync("FORWARD_TRANSITIVE", Schema1, Schema3, Schema2));
    }

    [Fact]
    public async Task Full_needs_both_directions_against_the_latest()
    {
        Assert.True(await AcceptedAsync("FULL", Schema2, Schema1));
        Assert.True(await AcceptedAsync("FULL", Schema1, Schema2));
        Assert.False(await AcceptedAsync("FULL", Schema3, Schema1), "the new schema cannot read old data");
        Assert.False(await AcceptedAsync("FULL", Schema1, Schema3), "the old schema cannot read new data");
    }

    [Fact]
    public async Task Full_transitive_needs_both_directions_against_every_version()
    {
        Assert.True(await AcceptedAsync("FULL", Schema3, Schema1, Schema2));
        Assert.False(await AcceptedAsync("FULL_TRANSITIVE", Schema3, Schema1, Schema2));
    }

    [Fact]
    public async Task Soft_deleted_versions_take_no_part_in_the_check()
    {
        var subject = Subject();
        await _r.RegisterOkAsync(subject, Schema1);
        Assert.Equal(409, (await _r.RegisterAsync(subject, Schema3)).Status);
        Assert.Equal(200, (await _r.DeleteAsync($"/subjects/{subject}/versions/1")).Status);
        Assert.Equal((200, 2), ((await _r.RegisterAsync(subject, Schema3)).Status, (await _r.RegisterAsync(subject, Schema3)).Version));
    }

    [Fact]
    public async Task The_subject_level_beats_the_global_one()
    {
        var subject = Subject();
        await _r.RegisterOkAsync(subject, Schema1);
        Assert.Equal(409, (await _r.RegisterAsync(subject, Schema3)).Status);
        await _r.SetConfigAsync(subject, "NONE");
        Assert.Equal(200, (await _r.RegisterAsync(subject, Schema3)).Status);
    }

    [Fact]
    public async Task Full_reports_the_forward_problems_first_then_the_backward_ones()
    {
        var subject = Subject();
        await _r.SetConfigAsync(subject, "FULL");
        await _r.RegisterOkAsync(subject, Record("r", Field("a", "\"string\"")));
        var changed = Record("r", Field("b", "\"string\""));
        var result = await _r.RegisterAsync(subject, changed);
        Assert.Equal(409, result.Status);
        // Forward (old reads new): old field a has no default. Backward (new reads old): new field b has no default.
        var a = result.Message.IndexOf("The field 'a' at path '/fields/0' in the old schema has no default value and is missing in the new schema", StringComparison.Ordinal);
        var b = result.Message.IndexOf("The field 'b' at path '/fields/0' in the new schema has no default value and is missing in the old schema", StringComparison.Ordinal);
        Assert.True(a > 0 && b > a, result.Message);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Message, "oldSchemaVersion"));
    }
}
