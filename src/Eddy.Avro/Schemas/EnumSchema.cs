using System.Text.Json;

namespace Eddy.Avro;

/// <summary>An enum: one of a fixed list of symbols, encoded as the symbol's index.</summary>
public sealed class EnumSchema : NamedSchema
{
    private readonly Dictionary<string, int> _ordinals;

    internal EnumSchema(AvroName name, string? doc, IReadOnlyList<string> symbols, Dictionary<string, int> ordinals, string? defaultSymbol, IReadOnlyList<AvroName>? aliases, IReadOnlyList<KeyValuePair<string, JsonElement>>? properties)
        : base(name, doc, aliases, properties)
    {
        Symbols = symbols;
        _ordinals = ordinals;
        Default = defaultSymbol;
    }

    public override AvroType Type => AvroType.Enum;

    public IReadOnlyList<string> Symbols { get; }

    /// <summary>The symbol a reader uses for a writer symbol it does not know (the enum's own <c>default</c>), or null.</summary>
    public string? Default { get; }

    /// <summary>The index of <paramref name="symbol"/>, or -1.</summary>
    public int GetOrdinal(string symbol) => _ordinals.TryGetValue(symbol, out var ordinal) ? ordinal : -1;

    public bool HasSymbol(string symbol) => _ordinals.ContainsKey(symbol);
}
