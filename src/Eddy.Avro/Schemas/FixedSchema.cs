using System.Text.Json;

namespace Eddy.Avro;

/// <summary>A fixed number of bytes.</summary>
public sealed class FixedSchema : NamedSchema
{
    internal FixedSchema(AvroName name, string? doc, int size, IReadOnlyList<AvroName>? aliases, IReadOnlyList<KeyValuePair<string, JsonElement>>? properties)
        : base(name, doc, aliases, properties)
    {
        Size = size;
    }

    public override AvroType Type => AvroType.Fixed;

    public int Size { get; }
}
