using System.Text.Json;

namespace Eddy.Avro;

/// <summary>An array of items of one schema.</summary>
public sealed class ArraySchema : AvroSchema
{
    internal ArraySchema(AvroSchema items, IReadOnlyList<KeyValuePair<string, JsonElement>>? properties)
        : base(properties)
    {
        Items = items;
    }

    public override AvroType Type => AvroType.Array;

    public AvroSchema Items { get; }
}
