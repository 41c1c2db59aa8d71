using System.Text.Json;

namespace Eddy.Avro;

/// <summary>A record, enum or fixed: the types that have a full name and can be referenced by it.</summary>
public abstract class NamedSchema : AvroSchema
{
    private readonly AvroName _name;
    private readonly IReadOnlyList<AvroName> _aliases;

    private protected NamedSchema(AvroName name, string? doc, IReadOnlyList<AvroName>? aliases, IReadOnlyList<KeyValuePair<string, JsonElement>>? properties)
        : base(properties)
    {
        _name = name;
        Doc = doc;
        _aliases = aliases ?? [];
        Aliases = [.. _aliases.Select(a => a.Full)];
    }

    /// <summary>The name without its namespace.</summary>
    public string Name => _name.Name;

    /// <summary>The namespace, or null for the null namespace.</summary>
    public string? Namespace => _name.Space;

    public string FullName => _name.Full;

    public string? Doc { get; }

    /// <summary>Aliases as full names (a relative alias takes this type's namespace), in declaration order.</summary>
    public IReadOnlyList<string> Aliases { get; }

    internal AvroName QualifiedName => _name;

    internal IReadOnlyList<AvroName> AliasNames => _aliases;
}
