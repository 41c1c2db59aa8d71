using System.Text.Json;
using static Eddy.Registry.Tests.Schemas;

namespace Eddy.Registry.Tests;

/// <summary>Every endpoint's answer and error, with Confluent's status, error_code and message, over real HTTP.</summary>
public class RestApiTests(SharedRegistry registry) : IClassFixture<SharedRegistry>
{
    private readonly RegistryHost _r = registry.Host;

    private static readonly string User1 = Record("User", Field("name", "\"string\""));
    private static readonly string User2 = Record("User", Field("name", "\"string\""), Field("age", "\"int\"", "0"));
    private static readonly string User3 = Record("User", Field("name", "\"string\""), Field("age", "\"int\"", "0"), Field("email", "[\"null\",\"string\"]", "null"));

    private static string Escape(string subject) => Uri.EscapeDataString(subject);

    [Fact]
    public async Task Root_types_and_contexts_answer_like_confluent()
    {
        var root = await _r.GetAsync("/");
        Assert.Equal((200, "{}", RegistryHost.ContentType), (root.Status, root.Body, root.ContentType));
        Assert.Equal("[\"JSON\",\"PROTOBUF\",\"AVRO\"]", (await _r.GetAsync("/schemas/types")).Body);
        Assert.Equal("[\".\"]", (await _r.GetAsync("/contexts")).Body);
    }

    [Theory]
    [InlineData("GET", "/nothing-here")]
    [InlineData("GET", "/subjects/a/b/c/d/e")]
    [InlineData("POST", "/subjects")]
    [InlineData("PATCH", "/config")]
    [InlineData("GET", "/schemas/ids/not-a-number")]
    public async Task Unknown_routes_and_methods_are_404(string method, string path)
    {
        var result = await _r.SendAsync(new HttpMethod(method), path, method is "POST" or "PATCH" ? "{}" : null);
        Assert.Equal(404, result.Status);
        Assert.Equal(404, result.ErrorCode);
        Assert.Equal("HTTP 404 Not Found", result.Message);
    }

    [Fact]
    public async Task Associations_are_an_empty_list_so_serializers_fall_back_to_the_topic_subject()
    {
        var result = await _r.GetAsync("/associations/resources/-/orders?resourceType=topic&associationType=value");
        Assert.Equal((200, "[]"), (result.Status, result.Body));
    }

    [Fact]
    public async Task Register_returns_id_and_version_and_the_version_reads_back_in_compact_form()
    {
        var subject = Subject();
        var spaced = "{ \"type\" : \"record\", \"name\" : \"User\",\n \"fields\" : [ { \"name\" : \"name\", \"type\" : \"string\" } ] }";
        var registered = await _r.RegisterAsync(subject, spaced);
        Assert.Equal(200, registered.Status);
        Assert.Equal(1, registered.Version);
        Assert.Equal(User1, registered.Json.GetProperty("schema").GetString());

        var version = await _r.GetAsync($"/subjects/{subject}/versions/1");
        Assert.Equal(200, version.Status);
        Assert.Equal(
            $"{{\"subject\":\"{subject}\",\"version\":1,\"id\":{registered.Id},\"schema\":{JsonString(User1)}}}",
            version.Body);
        Assert.False(version.Json.TryGetProperty("schemaType", out _));
    }

    [Fact]
    public async Task Registering_the_same_schema_again_is_idempotent_whatever_its_whitespace()
    {
        var subject = Subject();
        var first = await _r.RegisterAsync(subject, User1);
        var again = await _r.RegisterAsync(subject, User1);
        var spaced = await _r.RegisterAsync(subject, User1.Replace(",", " , ", StringComparison.Ordinal));
        Assert.Equal((first.Id, 1), (again.Id, again.Version));
        Assert.Equal((first.Id, 1), (spaced.Id, spaced.Version));
        Assert.Equal("[1]", (await _r.GetAsync($"/subjects/{subject}/versions")).Body);
    }

    [Fact]
    public async Task The_same_schema_under_two_subjects_has_one_global_id()
    {
        var a = Subject("a");
        var b = Subject("b");
        var idA = await _r.RegisterOkAsync(a, User2);
        await _r.RegisterOkAsync(b, User1);
        var second = await _r.RegisterAsync(b, User2);
        Assert.Equal((idA, 2), (second.Id, second.Version));

        var subjects = await _r.GetAsync($"/schemas/ids/{idA}/subjects");
        Assert.Equal($"[\"{a}\",\"{b}\"]", subjects.Body);
        var versions = await _r.GetAsync($"/schemas/ids/{idA}/versions");
        Assert.Equal($"[{{\"subject\":\"{a}\",\"version\":1}},{{\"subject\":\"{b}\",\"version\":2}}]", versions.Body);
    }

    [Fact]
    public async Task A_new_schema_gets_a_new_id_above_every_id_before()
    {
        var subject = Subject();
        var first = await _r.RegisterOkAsync(subject, User1);
        var second = await _r.RegisterOkAsync(subject, User2);
        var other = await _r.RegisterOkAsync(Subject(), Record("Other", Field("x", "\"long\"")));
        Assert.True(second > first);
        Assert.True(other > second);
    }

    [Fact]
    public async Task Get_by_id_answers_the_schema_and_its_raw_form_and_tolerates_an_empty_subject_parameter()
    {
        var subject = Subject();
        var id = await _r.RegisterOkAsync(subject, User1);
        var byId = await _r.GetAsync($"/schemas/ids/{id}?subject=");
        Assert.Equal((200, $"{{\"schema\":{JsonString(User1)}}}"), (byId.Status, byId.Body));
        var withSubject = await _r.GetAsync($"/schemas/ids/{id}?subject={subject}&format=");
        Assert.Equal(byId.Body, withSubject.Body);
        var raw = await _r.GetAsync($"/schemas/ids/{id}/schema");
        Assert.Equal((200, User1), (raw.Status, raw.Body));

        var missing = await _r.GetAsync("/schemas/ids/987654");
        Assert.Equal((404, 40403, "Schema 987654 not found"), (missing.Status, missing.ErrorCode, missing.Message));
        Assert.Equal(40403, (await _r.GetAsync("/schemas/ids/987654/subjects")).ErrorCode);
        Assert.Equal(40403, (await _r.GetAsync("/schemas/ids/987654/versions")).ErrorCode);
    }

    [Fact]
    public async Task Versions_are_read_by_number_latest_and_minus_one_with_confluent_errors_otherwise()
    {
        var subject = Subject();
        await _r.RegisterOkAsync(subject, User1);
        await _r.RegisterOkAsync(subject, User2);
        Assert.Equal("[1,2]", (await _r.GetAsync($"/subjects/{subject}/versions")).Body);
        Assert.Equal(2, (await _r.GetAsync($"/subjects/{subject}/versions/latest")).Version);
        Assert.Equal(2, (await _r.GetAsync($"/subjects/{subject}/versions/-1")).Version);
        Assert.Equal(1, (await _r.GetAsync($"/subjects/{subject}/versions/1")).Version);
        Assert.Equal(User2, (await _r.GetAsync($"/subjects/{subject}/versions/latest/schema")).Body);
        Assert.Equal("[]", (await _r.GetAsync($"/subjects/{subject}/versions/1/referencedby")).Body);

        var missing = await _r.GetAsync($"/subjects/{subject}/versions/7");
        Assert.Equal((404, 40402, "Version 7 not found."), (missing.Status, missing.ErrorCode, missing.Message));
        foreach (var bad in new[] { "0", "abc", "-2" })
        {
            var invalid = await _r.GetAsync($"/subjects/{subject}/versions/{bad}");
            Assert.Equal((422, 42202), (invalid.Status, invalid.ErrorCode));
            Assert.Equal($"The specified version '{bad}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", invalid.Message);
        }
        var noSubject = await _r.GetAsync("/subjects/no-such-subject/versions/1");
        Assert.Equal((404, 40401, "Subject 'no-such-subject' not found."), (noSubject.Status, noSubject.ErrorCode, noSubject.Message));
        Assert.Equal(40401, (await _r.GetAsync("/subjects/no-such-subject/versions")).ErrorCode);
    }

    [Fact]
    public async Task Lookup_finds_the_version_holding_a_schema_and_says_why_it_does_not()
    {
        var subject = Subject();
        var id = await _r.RegisterOkAsync(subject, User1);
        var found = await _r.PostAsync($"/subjects/{subject}?normalize=False&deleted=False", RegistryHost.SchemaBody(User1));
        Assert.Equal(200, found.Status);
        Assert.Equal($"{{\"subject\":\"{subject}\",\"version\":1,\"id\":{id},\"schema\":{JsonString(User1)}}}", found.Body);

        var other = await _r.PostAsync($"/subjects/{subject}", RegistryHost.SchemaBody(User3));
        Assert.Equal((404, 40403, "Schema not found"), (other.Status, other.ErrorCode, other.Message));
        var noSubject = await _r.PostAsync("/subjects/never-registered", RegistryHost.SchemaBody(User1));
        Assert.Equal((404, 40401), (noSubject.Status, noSubject.ErrorCode));
        var invalid = await _r.PostAsync($"/subjects/{subject}", RegistryHost.SchemaBody("{\"type\":\"record\""));
        Assert.Equal((422, 42201), (invalid.Status, invalid.ErrorCode));
    }

    [Fact]
    public async Task Invalid_schemas_are_42201_with_where_the_parser_stopped()
    {
        var subject = Subject();
        var truncated = await _r.RegisterAsync(subject, "{\"type\":\"record\",\n\"name\":\"X\",\"fields\":[");
        Assert.Equal((422, 42201), (truncated.Status, truncated.ErrorCode));
        Assert.Contains("line", truncated.Message, StringComparison.OrdinalIgnoreCase);

        var badType = await _r.RegisterAsync(subject, Record("X", Field("a", "\"integer\"")));
        Assert.Equal((422, 42201), (badType.Status, badType.ErrorCode));
        Assert.Contains("/fields/0", badType.Message, StringComparison.Ordinal);

        var empty = await _r.PostAsync($"/subjects/{subject}/versions", "{\"schema\":\"\"}");
        Assert.Equal((422, 42201, "Empty schema"), (empty.Status, empty.ErrorCode, empty.Message));
        Assert.Equal(40401, (await _r.GetAsync($"/subjects/{subject}/versions")).ErrorCode);
    }

    [Theory]
    [InlineData("THRIFT")]
    [InlineData("XML")]
    public async Task Schema_types_other_than_avro_json_and_protobuf_are_refused(string type)
    {
        var result = await _r.PostAsync($"/subjects/{Subject()}/versions", RegistryHost.SchemaBody("{\"type\":\"object\"}", type));
        Assert.Equal((422, 42201), (result.Status, result.ErrorCode));
        Assert.Contains($"Invalid schema type {type}", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_json_bodies_are_400_and_unknown_fields_are_ignored()
    {
        var subject = Subject();
        var malformed = await _r.PostAsync($"/subjects/{subject}/versions", "{\"schema\": ");
        Assert.Equal((400, 400), (malformed.Status, malformed.ErrorCode));
        var array = await _r.PostAsync($"/subjects/{subject}/versions", "[]");
        Assert.Equal((400, 400), (array.Status, array.ErrorCode));
        var extra = await _r.PostAsync($"/subjects/{subject}/versions",
            $"{{\"schema\":{JsonString(User1)},\"schemaType\":\"AVRO\",\"references\":[],\"metadata\":null,\"ruleSet\":null,\"guid\":\"x\"}}");
        Assert.Equal(200, extra.Status);
    }

    [Theory]
    [InlineData("application/vnd.schemaregistry.v1+json")]
    [InlineData("application/vnd.schemaregistry+json")]
    [InlineData("application/json")]
    [InlineData("application/octet-stream")]
    [InlineData("application/json; charset=utf-8")]
    public async Task Every_confluent_request_content_type_is_accepted_and_answers_are_v1_json(string contentType)
    {
        var result = await _r.SendAsync(HttpMethod.Post, $"/subjects/{Subject()}/versions", RegistryHost.SchemaBody(User1), contentType);
        Assert.Equal(200, result.Status);
        Assert.Equal(RegistryHost.ContentType, result.ContentType);
    }

    [Fact]
    public async Task Other_request_content_types_are_415()
    {
        var result = await _r.SendAsync(HttpMethod.Post, $"/subjects/{Subject()}/versions", RegistryHost.SchemaBody(User1), "text/plain");
        Assert.Equal((415, 415), (result.Status, result.ErrorCode));
    }

    [Fact]
    public async Task Subjects_with_slashes_colons_and_dots_are_decoded_once()
    {
        var subject = $"{Subject()}/orders:v1.value%41";
        var id = await _r.RegisterOkAsync(subject, User1);
        var read = await _r.GetAsync($"/subjects/{Escape(subject)}/versions/1");
        Assert.Equal(subject, read.Json.GetProperty("subject").GetString());
        Assert.Contains(subject, (await _r.GetAsync("/subjects")).Json.EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(id, read.Id);
    }

    [Fact]
    public async Task Subjects_are_listed_sorted_with_prefix_and_deleted_filters()
    {
        var prefix = Subject("list");
        var live = prefix + "-b";
        var gone = prefix + "-a";
        await _r.RegisterOkAsync(live, User1);
        await _r.RegisterOkAsync(gone, User1);
        Assert.Equal(200, (await _r.DeleteAsync($"/subjects/{gone}")).Status);
        Assert.Equal($"[\"{live}\"]", (await _r.GetAsync($"/subjects?subjectPrefix={prefix}")).Body);
        Assert.Equal($"[\"{gone}\",\"{live}\"]", (await _r.GetAsync($"/subjects?subjectPrefix={prefix}&deleted=true")).Body);
        Assert.Equal($"[\"{gone}\"]", (await _r.GetAsync($"/subjects?subjectPrefix={prefix}&deletedOnly=True")).Body);
    }

    [Fact]
    public async Task Soft_deleted_versions_are_hidden_unless_asked_for_and_versions_keep_counting()
    {
        var subject = Subject();
        await _r.RegisterOkAsync(subject, User1);
        await _r.RegisterOkAsync(subject, User2);
        var deleted = await _r.DeleteAsync($"/subjects/{subject}/versions/2");
        Assert.Equal((200, "2"), (deleted.Status, deleted.Body));

        Assert.Equal("[1]", (await _r.GetAsync($"/subjects/{subject}/versions")).Body);
        Assert.Equal("[1,2]", (await _r.GetAsync($"/subjects/{subject}/versions?deleted=true")).Body);
        Assert.Equal("[2]", (await _r.GetAsync($"/subjects/{subject}/versions?deletedOnly=true")).Body);
        Assert.Equal(40402, (await _r.GetAsync($"/subjects/{subject}/versions/2")).ErrorCode);
        Assert.Equal(200, (await _r.GetAsync($"/subjects/{subject}/versions/2?deleted=true")).Status);
        Assert.Equal(1, (await _r.GetAsync($"/subjects/{subject}/versions/latest")).Version);

        // The next version is 3, not 2: soft-deleted versions still count.
        Assert.Equal(3, (await _r.RegisterAsync(subject, User3)).Version);

        var again = await _r.DeleteAsync($"/subjects/{subject}/versions/2");
        Assert.Equal((404, 40406, $"Subject '{subject}' Version 2 was soft deleted.Set permanent=true to delete permanently"),
            (again.Status, again.ErrorCode, again.Message));
    }

    [Fact]
    public async Task A_version_must_be_soft_deleted_before_it_is_deleted_permanently()
    {
        var subject = Subject();
        await _r.RegisterOkAsync(subject, User1);
        await _r.RegisterOkAsync(subject, User2);
        var early = await _r.DeleteAsync($"/subjects/{subject}/versions/1?permanent=true");
        Assert.Equal((404, 40407, $"Subject '{subject}' Version 1 was not deleted first before being permanently deleted"),
            (early.Status, early.ErrorCode, early.Message));

        Assert.Equal(200, (await _r.DeleteAsync($"/subjects/{subject}/versions/1")).Status);
        var permanent = await _r.DeleteAsync($"/subjects/{subject}/versions/1?permanent=true");
        Assert.Equal((200, "1"), (permanent.Status, permanent.Body));
        Assert.Equal(40402, (await _r.GetAsync($"/subjects/{subject}/versions/1?deleted=true")).ErrorCode);
        Assert.Equal("[2]", (await _r.GetAsync($"/subjects/{subject}/versions?deleted=true")).Body);

        Assert.Equal(40402, (await _r.DeleteAsync($"/subjects/{subject}/versions/9")).ErrorCode);
        Assert.Equal(42202, (await _r.DeleteAsync($"/subjects/{subject}/versions/zero")).ErrorCode);
        Assert.Equal(40401, (await _r.DeleteAsync("/subjects/never-was/versions/1")).ErrorCode);
    }

    [Fact]
    public async Task Subjects_are_soft_deleted_then_permanently_deleted_with_confluent_errors_on_the_way()
    {
        var subject = Subject();
        // A schema no other test registers, so that its id disappears with this subject.
        var name = "Only" + Guid.NewGuid().ToString("N");
        var only = Record(name, Field("name", "\"string\""));
        var id = await _r.RegisterOkAsync(subject, only);
        await _r.RegisterOkAsync(subject, Record(name, Field("name", "\"string\""), Field("age", "\"int\"", "0")));

        var early = await _r.DeleteAsync($"/subjects/{subject}?permanent=true");
        Assert.Equal((404, 40405, $"Subject '{subject}' was not deleted first before being permanently deleted"), (early.Status, early.ErrorCode, early.Message));

        var soft = await _r.DeleteAsync($"/subjects/{subject}");
        Assert.Equal((200, "[1,2]"), (soft.Status, soft.Body));
        var twice = await _r.DeleteAsync($"/subjects/{subject}");
        Assert.Equal((404, 40404, $"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently"), (twice.Status, twice.ErrorCode, twice.Message));
        Assert.Equal(40401, (await _r.GetAsync($"/subjects/{subject}/versions")).ErrorCode);
        Assert.Equal(40401, (await _r.PostAsync($"/subjects/{subject}", RegistryHost.SchemaBody(only))).ErrorCode);
        var deletedLookup = await _r.PostAsync($"/subjects/{subject}?deleted=true", RegistryHost.SchemaBody(only));
        Assert.True(deletedLookup.Status == 200, deletedLookup.ToString());
        Assert.Equal(1, deletedLookup.Version);
        Assert.Equal(200, (await _r.GetAsync($"/schemas/ids/{id}")).Status);

        var permanent = await _r.DeleteAsync($"/subjects/{subject}?permanent=true");
        Assert.Equal((200, "[1,2]"), (permanent.Status, permanent.Body));
        Assert.Equal(40401, (await _r.DeleteAsync($"/subjects/{subject}")).ErrorCode);
        Assert.Equal(40401, (await _r.GetAsync($"/subjects/{subject}/versions?deleted=true")).ErrorCode);
        Assert.Equal(40403, (await _r.GetAsync($"/schemas/ids/{id}")).ErrorCode);
    }

    [Fact]
    public async Task A_schema_registered_again_after_its_subject_was_soft_deleted_keeps_its_id_under_a_new_version()
    {
        var subject = Subject();
        var id = await _r.RegisterOkAsync(subject, User1);
        Assert.Equal("[1]", (await _r.DeleteAsync($"/subjects/{subject}")).Body);
        var again = await _r.RegisterAsync(subject, User1);
        Assert.Equal((200, id, 2), (again.Status, again.Id, again.Version));
        Assert.Equal("[2]", (await _r.GetAsync($"/subjects/{subject}/versions")).Body);
        // The soft-deleted version 1 with the same id was tombstoned.
        Assert.Equal("[2]", (await _r.GetAsync($"/subjects/{subject}/versions?deleted=true")).Body);
    }

    [Fact]
    public async Task Subject_config_is_set_read_inherited_and_deleted()
    {
        var subject = Subject();
        var put = await _r.SetConfigAsync(subject, "full");
        Assert.Equal((200, "{\"compatibility\":\"FULL\"}"), (put.Status, put.Body));
        Assert.Equal("{\"compatibilityLevel\":\"FULL\"}", (await _r.GetAsync($"/config/{subject}")).Body);

        var other = Subject();
        var missing = await _r.GetAsync($"/config/{other}");
        Assert.Equal((404, 40408, $"Subject '{other}' does not have subject-level compatibility configured"), (missing.Status, missing.ErrorCode, missing.Message));
        var inherited = await _r.GetAsync($"/config/{other}?defaultToGlobal=true");
        Assert.Equal(200, inherited.Status);
        Assert.Equal((await _r.GetAsync("/config")).Json.GetProperty("compatibilityLevel").GetString(), inherited.Json.GetProperty("compatibilityLevel").GetString());

        var invalid = await _r.SetConfigAsync(subject, "SIDEWAYS");
        Assert.Equal((422, 42203), (invalid.Status, invalid.ErrorCode));
        Assert.Equal("Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive", invalid.Message);

        var deleted = await _r.DeleteAsync($"/config/{subject}");
        Assert.Equal((200, "{\"compatibilityLevel\":\"FULL\"}"), (deleted.Status, deleted.Body));
        Assert.Equal(40408, (await _r.GetAsync($"/config/{subject}")).ErrorCode);
        Assert.Equal((404, 40401), ((await _r.DeleteAsync($"/config/{subject}")).Status, (await _r.DeleteAsync($"/config/{subject}")).ErrorCode));
    }

    [Fact]
    public async Task Normalize_in_the_subject_config_stores_the_normalized_form()
    {
        var subject = Subject();
        var put = await _r.PutAsync($"/config/{subject}", "{\"compatibility\":\"BACKWARD\",\"normalize\":true}");
        Assert.Equal("{\"compatibility\":\"BACKWARD\",\"normalize\":true}", put.Body);
        Assert.Equal("{\"compatibilityLevel\":\"BACKWARD\",\"normalize\":true}", (await _r.GetAsync($"/config/{subject}")).Body);
        var namespaced = "{\"type\":\"record\",\"name\":\"Account\",\"namespace\":\"com.example\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
        var normalized = await _r.RegisterAsync(Subject(), namespaced, "?normalize=true");
        var byConfig = await _r.RegisterAsync(subject, namespaced);
        Assert.Equal(normalized.Id, byConfig.Id);
        Assert.Equal(normalized.Json.GetProperty("schema").GetString(), byConfig.Json.GetProperty("schema").GetString());
    }

    [Fact]
    public async Task Subject_mode_readonly_refuses_writes_but_still_answers_for_registered_schemas()
    {
        var subject = Subject();
        var id = await _r.RegisterOkAsync(subject, User1);
        var put = await _r.PutAsync($"/mode/{subject}", "{\"mode\":\"READONLY\"}");
        Assert.Equal((200, "{\"mode\":\"READONLY\"}"), (put.Status, put.Body));
        Assert.Equal("{\"mode\":\"READONLY\"}", (await _r.GetAsync($"/mode/{subject}")).Body);

        var refused = await _r.RegisterAsync(subject, User2);
        Assert.Equal((422, 42205, $"Subject {subject} is in read-only mode"), (refused.Status, refused.ErrorCode, refused.Message));
        Assert.Equal(id, (await _r.RegisterAsync(subject, User1)).Id);
        Assert.Equal(42205, (await _r.DeleteAsync($"/subjects/{subject}")).ErrorCode);
        Assert.Equal(42205, (await _r.DeleteAsync($"/subjects/{subject}/versions/1")).ErrorCode);
        Assert.Equal(42205, (await _r.SetConfigAsync(subject, "NONE")).ErrorCode);

        var removed = await _r.DeleteAsync($"/mode/{subject}");
        Assert.Equal((200, "{\"mode\":\"READONLY\"}"), (removed.Status, removed.Body));
        Assert.Equal(200, (await _r.RegisterAsync(subject, User2)).Status);
    }

    [Fact]
    public async Task Mode_errors_are_confluents()
    {
        var subject = Subject();
        var none = await _r.GetAsync($"/mode/{subject}");
        Assert.Equal((404, 40409, $"Subject '{subject}' does not have subject-level mode configured"), (none.Status, none.ErrorCode, none.Message));
        Assert.Equal("{\"mode\":\"READWRITE\"}", (await _r.GetAsync($"/mode/{subject}?defaultToGlobal=true")).Body);
        var invalid = await _r.PutAsync($"/mode/{subject}", "{\"mode\":\"READ_SOMETIMES\"}");
        Assert.Equal((422, 42204), (invalid.Status, invalid.ErrorCode));
        Assert.Equal(40401, (await _r.DeleteAsync($"/mode/{subject}")).ErrorCode);
    }

    [Fact]
    public async Task Import_mode_honours_the_given_id_and_version()
    {
        var subject = Subject("import");
        Assert.Equal(200, (await _r.PutAsync($"/mode/{subject}", "{\"mode\":\"IMPORT\"}")).Status);
        var imported = await _r.PostAsync($"/subjects/{subject}/versions", RegistryHost.SchemaBody(User1, id: 500_001, version: 7));
        Assert.Equal((200, 500_001, 7), (imported.Status, imported.Id, imported.Version));
        Assert.Equal(User1, (await _r.GetAsync("/schemas/ids/500001/schema")).Body);
        // No compatibility check in IMPORT mode, and the next version without a number is max + 1.
        var incompatible = await _r.PostAsync($"/subjects/{subject}/versions", RegistryHost.SchemaBody(Record("User", Field("n", "\"long\"")), id: 500_002));
        Assert.Equal((200, 500_002, 8), (incompatible.Status, incompatible.Id, incompatible.Version));

        var withoutId = await _r.RegisterAsync(subject, User3);
        Assert.Equal((422, 42205, $"Subject {subject} is not in read-write mode"), (withoutId.Status, withoutId.ErrorCode, withoutId.Message));
        var taken = await _r.PostAsync($"/subjects/{subject}/versions", RegistryHost.SchemaBody(User3, id: 500_001));
        Assert.Equal((422, 42205, "Overwrite new schema with id 500001 is not permitted."), (taken.Status, taken.ErrorCode, taken.Message));

        Assert.Equal(200, (await _r.DeleteAsync($"/mode/{subject}")).Status);
        var idInReadWrite = await _r.PostAsync($"/subjects/{subject}/versions", RegistryHost.SchemaBody(User3, id: 500_003));
        Assert.Equal((422, 42205, $"Subject {subject} is not in import mode"), (idInReadWrite.Status, idInReadWrite.ErrorCode, idInReadWrite.Message));
        // Fresh ids continue above the imported ones.
        Assert.True((await _r.RegisterAsync(Subject(), Record("After", Field("a", "\"int\"")))).Id > 500_002);
    }

    [Fact]
    public async Task Import_mode_needs_a_subject_without_live_versions()
    {
        var subject = Subject();
        await _r.RegisterOkAsync(subject, User1);
        var refused = await _r.PutAsync($"/mode/{subject}", "{\"mode\":\"IMPORT\"}");
        Assert.Equal((422, 42205, "Cannot import since found existing subjects"), (refused.Status, refused.ErrorCode, refused.Message));
        Assert.Equal(200, (await _r.PutAsync($"/mode/{subject}?force=true", "{\"mode\":\"IMPORT\"}")).Status);
        Assert.Equal("{\"mode\":\"IMPORT\"}", (await _r.GetAsync($"/mode/{subject}")).Body);
    }

    [Fact]
    public async Task An_incompatible_schema_is_409_with_confluents_details()
    {
        var subject = Subject();
        await _r.RegisterOkAsync(subject, User1);
        var withoutDefault = Record("User", Field("name", "\"string\""), Field("age", "\"int\""));
        var refused = await _r.RegisterAsync(subject, withoutDefault);
        Assert.Equal((409, 409), (refused.Status, refused.ErrorCode));
        Assert.Equal(
            $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [" +
            "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'age'}, " +
            $"{{oldSchemaVersion: 1}}, {{oldSchema: '{User1}'}}, {{validateFields: 'false', compatibility: 'BACKWARD'}}]",
            refused.Message);
        Assert.Equal("[1]", (await _r.GetAsync($"/subjects/{subject}/versions")).Body);
    }

    [Fact]
    public async Task Compatibility_endpoints_answer_is_compatible_and_verbose_messages()
    {
        var subject = Subject();
        await _r.RegisterOkAsync(subject, User1);
        var ok = await _r.PostAsync($"/compatibility/subjects/{subject}/versions/latest", RegistryHost.SchemaBody(User2));
        Assert.Equal((200, "{\"is_compatible\":true}"), (ok.Status, ok.Body));
        var okVerbose = await _r.PostAsync($"/compatibility/subjects/{subject}/versions/1?verbose=true", RegistryHost.SchemaBody(User2));
        Assert.Equal("{\"is_compatible\":true,\"messages\":[]}", okVerbose.Body);

        var bad = Record("User", Field("name", "\"int\""));
        var no = await _r.PostAsync($"/compatibility/subjects/{subject}/versions/latest", RegistryHost.SchemaBody(bad));
        Assert.Equal("{\"is_compatible\":false}", no.Body);
        var verbose = await _r.PostAsync($"/compatibility/subjects/{subject}/versions?verbose=True", RegistryHost.SchemaBody(bad));
        var messages = verbose.Json.GetProperty("messages").EnumerateArray().Select(m => m.GetString()!).ToList();
        Assert.False(verbose.Json.GetProperty("is_compatible").GetBoolean());
        Assert.StartsWith("{errorType:'TYPE_MISMATCH', description:'The type (path '/fields/0/type') of a field in the new schema does not match with the old schema', additionalInfo:'", messages[0], StringComparison.Ordinal);
        Assert.Equal(["{oldSchemaVersion: 1}", $"{{oldSchema: '{User1}'}}", "{validateFields: 'false', compatibility: 'BACKWARD'}"], messages.Skip(1));

        Assert.Equal("{\"is_compatible\":true}", (await _r.PostAsync($"/compatibility/subjects/{Subject()}/versions/latest", RegistryHost.SchemaBody(bad))).Body);
        Assert.Equal(40401, (await _r.PostAsync($"/compatibility/subjects/{Subject()}/versions/1", RegistryHost.SchemaBody(bad))).ErrorCode);
        Assert.Equal(40402, (await _r.PostAsync($"/compatibility/subjects/{subject}/versions/5", RegistryHost.SchemaBody(bad))).ErrorCode);
        Assert.Equal(42202, (await _r.PostAsync($"/compatibility/subjects/{subject}/versions/first", RegistryHost.SchemaBody(bad))).ErrorCode);
        Assert.Equal(42201, (await _r.PostAsync($"/compatibility/subjects/{subject}/versions/latest", RegistryHost.SchemaBody("{]"))).ErrorCode);
    }

    [Fact]
    public async Task Schemas_listing_returns_every_live_version()
    {
        var prefix = Subject("all");
        await _r.RegisterOkAsync(prefix + "-x", User1);
        await _r.RegisterOkAsync(prefix + "-x", User2);
        var listed = await _r.GetAsync($"/schemas?subjectPrefix={prefix}");
        Assert.Equal(2, listed.Json.GetArrayLength());
        var latest = await _r.GetAsync($"/schemas?subjectPrefix={prefix}&latestOnly=true");
        Assert.Equal(2, latest.Json[0].GetProperty("version").GetInt32());
    }
}
