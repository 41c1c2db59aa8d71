using static Eddy.Registry.Tests.Schemas;

namespace Eddy.Registry.Tests;

/// <summary>The global config and mode, each test on a registry of its own.</summary>
public class GlobalSettingsTests
{
    private static readonly string V1 = Record("R", Field("a", "\"string\""));
    private static readonly string V2 = Record("R", Field("a", "\"string\""), Field("b", "\"int\""));

    [Fact]
    public async Task The_global_config_defaults_to_backward_is_inherited_and_deleting_it_restores_the_default()
    {
        await using var r = await RegistryHost.StartAsync();
        Assert.Equal("{\"compatibilityLevel\":\"BACKWARD\"}", (await r.GetAsync("/config")).Body);
        await r.RegisterOkAsync("s", V1);
        Assert.Equal(409, (await r.RegisterAsync("s", V2)).Status);

        var put = await r.SetConfigAsync(null, "NONE");
        Assert.Equal((200, "{\"compatibility\":\"NONE\"}"), (put.Status, put.Body));
        Assert.Equal("{\"compatibilityLevel\":\"NONE\"}", (await r.GetAsync("/config")).Body);
        Assert.Equal("{\"compatibilityLevel\":\"NONE\"}", (await r.GetAsync("/config/s?defaultToGlobal=true")).Body);
        Assert.Equal(200, (await r.RegisterAsync("s", V2)).Status);

        var deleted = await r.DeleteAsync("/config");
        Assert.Equal((200, "{\"compatibilityLevel\":\"NONE\"}"), (deleted.Status, deleted.Body));
        Assert.Equal("{\"compatibilityLevel\":\"BACKWARD\"}", (await r.GetAsync("/config")).Body);
        Assert.Equal(422, (await r.SetConfigAsync(null, "MAYBE")).Status);
    }

    [Fact]
    public async Task Global_readonly_refuses_every_write_and_readonly_override_beats_subject_modes()
    {
        await using var r = await RegistryHost.StartAsync();
        await r.RegisterOkAsync("s", V1);
        Assert.Equal("{\"mode\":\"READONLY\"}", (await r.PutAsync("/mode", "{\"mode\":\"READONLY\"}")).Body);
        var refused = await r.RegisterAsync("new-subject", V1);
        Assert.Equal((422, 42205, "Subject new-subject is in read-only mode"), (refused.Status, refused.ErrorCode, refused.Message));
        Assert.Equal((422, "Subject null is in read-only mode"), ((await r.SetConfigAsync(null, "FULL")).Status, (await r.SetConfigAsync(null, "FULL")).Message));

        // A subject-level READWRITE beats global READONLY, but not READONLY_OVERRIDE.
        await r.PutAsync("/mode/s", "{\"mode\":\"READWRITE\"}");
        Assert.Equal(200, (await r.RegisterAsync("s", Record("R", Field("a", "\"string\""), Field("c", "\"int\"", "0")))).Status);
        Assert.Equal("{\"mode\":\"READONLY_OVERRIDE\"}", (await r.PutAsync("/mode", "{\"mode\":\"readonly_override\"}")).Body);
        Assert.Equal(42205, (await r.RegisterAsync("s", Record("R", Field("a", "\"string\""), Field("d", "\"int\"", "0")))).ErrorCode);
        Assert.Equal("{\"mode\":\"READONLY_OVERRIDE\"}", (await r.GetAsync("/mode/s")).Body);

        Assert.Equal("{\"mode\":\"READWRITE\"}", (await r.PutAsync("/mode", "{\"mode\":\"READWRITE\"}")).Body);
        Assert.Equal(200, (await r.RegisterAsync("s", Record("R", Field("a", "\"string\""), Field("d", "\"int\"", "0")))).Status);
    }

    [Fact]
    public async Task Global_import_needs_an_empty_registry_unless_forced()
    {
        await using var r = await RegistryHost.StartAsync();
        await r.RegisterOkAsync("s", V1);
        var refused = await r.PutAsync("/mode", "{\"mode\":\"IMPORT\"}");
        Assert.Equal((422, 42205, "Cannot import since found existing subjects"), (refused.Status, refused.ErrorCode, refused.Message));
        Assert.Equal(200, (await r.DeleteAsync("/subjects/s")).Status);

        // Soft-deleted leftovers are removed for good when import starts.
        Assert.Equal("{\"mode\":\"IMPORT\"}", (await r.PutAsync("/mode", "{\"mode\":\"IMPORT\"}")).Body);
        Assert.Equal(40401, (await r.GetAsync("/subjects/s/versions?deleted=true")).ErrorCode);
        var imported = await r.PostAsync("/subjects/s/versions", RegistryHost.SchemaBody(V2, id: 42, version: 3));
        Assert.Equal((200, 42, 3), (imported.Status, imported.Id, imported.Version));
        Assert.Equal(200, (await r.PutAsync("/mode", "{\"mode\":\"READWRITE\"}")).Status);
        Assert.Equal(43, (await r.RegisterAsync("t", V1)).Id);
    }

    [Fact]
    public async Task Global_import_with_force_keeps_existing_subjects()
    {
        await using var r = await RegistryHost.StartAsync();
        await r.RegisterOkAsync("s", V1);
        Assert.Equal(200, (await r.PutAsync("/mode?force=true", "{\"mode\":\"IMPORT\"}")).Status);
        Assert.Equal("[1]", (await r.GetAsync("/subjects/s/versions")).Body);
    }
}
