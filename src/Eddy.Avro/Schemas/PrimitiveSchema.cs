using System.Text.Json;

namespace Eddy.Avro;

/// <summary>null, boolean, int, long, float, double, bytes or string, possibly with properties such as a logical type.</summary>
public sealed class PrimitiveSchema : AvroSchema
{
    private readonly AvroType _type;

    public PrimitiveSchema(AvroType type)
        : this(type, null)
    {
    }

    internal PrimitiveSchema(AvroType type, IReadOnlyList<KeyValuePair<string, JsonElement>>? properties)
        : base(properties)
    {
        if (type is AvroType.Record or AvroType.Enum or AvroType.Array or AvroType.Map or AvroType.Union or AvroType.Fixed)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Not a primitive type.");
        }

        _type = type;
    }

    public override AvroType Type => _type;
}
