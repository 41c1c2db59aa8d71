using Eddy.Avro;

namespace Eddy.Engine.Avro.Tests;

/// <summary>The schemas of the tests: page clicks (two versions) and per-user counts.</summary>
internal static class Schemas
{
    public const string ClickV1 = """{"type":"record","name":"Click","namespace":"demo","fields":[{"name":"user","type":"string"},{"name":"page","type":"string"}]}""";

    /// <summary>V1 plus a field with a default: backward compatible, so v1 data reads as v2.</summary>
    public const string ClickV2 = """{"type":"record","name":"Click","namespace":"demo","fields":[{"name":"user","type":"string"},{"name":"page","type":"string"},{"name":"referrer","type":["null","string"],"default":null}]}""";

    public const string UserCount = """{"type":"record","name":"UserCount","namespace":"demo","fields":[{"name":"user","type":"string"},{"name":"start","type":"long"},{"name":"end","type":"long"},{"name":"count","type":"long"}]}""";

    public static RecordSchema Record(string json) => (RecordSchema)AvroSchema.Parse(json);
}
