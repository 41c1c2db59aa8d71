using System.Text.Json;

namespace Eddy.Avro;

/// <summary>A map from strings to values of one schema.</summary>
public sealed class MapSchema : AvroSchema
{
    internal MapSchema(AvroSchema values, IReadOnlyList<KeyValuePair<string, JsonElement>>? properties)
        : base(properties)
    {
        Values = values;
    }

    public override AvroType Type => AvroType.Map;

    public AvroSchema Values { get; }
}
