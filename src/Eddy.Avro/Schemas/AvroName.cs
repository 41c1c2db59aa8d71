namespace Eddy.Avro;

/// <summary>
/// A name with its namespace, resolved the way Avro Java's <c>Schema.Name</c> does: a dotted name carries its own
/// namespace, otherwise the enclosing one applies, and an empty namespace means none.
/// </summary>
internal readonly record struct AvroName(string Name, string? Space, string Full)
{
    public static AvroName Create(string name, string? space)
    {
        var lastDot = name.LastIndexOf('.');
        string simple;
        if (lastDot < 0)
        {
            simple = name;
        }
        else
        {
            space = name[..lastDot];
            simple = name[(lastDot + 1)..];
        }

        if (space is { Length: 0 })
        {
            space = null;
        }

        return new AvroName(simple, space, space is null ? simple : space + "." + simple);
    }

    /// <summary>
    /// How a reference to this name is written inside <paramref name="defaultSpace"/>: the short name when the
    /// namespaces agree (unless it would read as a type name such as "record"), the full name otherwise.
    /// </summary>
    public string Qualified(string? defaultSpace)
    {
        if (Space is not null && Space == defaultSpace)
        {
            return TypeNames.IsTypeName(Name) ? Full : Name;
        }

        return Full;
    }
}
