namespace Eddy.Avro;

/// <summary>An enum value: a symbol of an <see cref="EnumSchema"/>, with its ordinal.</summary>
/// <remarks>The reader hands out one shared instance per symbol, so decoding enums allocates nothing.</remarks>
public sealed class GenericEnum : IEquatable<GenericEnum>
{
    public GenericEnum(EnumSchema schema, string symbol)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(symbol);
        var ordinal = schema.GetOrdinal(symbol);
        if (ordinal < 0)
        {
            throw new ArgumentException($"{symbol} is not a symbol of enum {schema.FullName}", nameof(symbol));
        }

        Schema = schema;
        Symbol = symbol;
        Ordinal = ordinal;
    }

    internal GenericEnum(EnumSchema schema, int ordinal)
    {
        Schema = schema;
        Ordinal = ordinal;
        Symbol = schema.Symbols[ordinal];
    }

    public EnumSchema Schema { get; }

    public string Symbol { get; }

    public int Ordinal { get; }

    public bool Equals(GenericEnum? other) => other is not null && other.Symbol == Symbol && other.Schema.FullName == Schema.FullName;

    public override bool Equals(object? obj) => obj is GenericEnum other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Schema.FullName, Symbol);

    public override string ToString() => Symbol;
}
