using System.Collections.Immutable;

namespace Eddy.Sql.Connectors;

/// <summary>The kind of value a connector option takes, which decides how its text is checked.</summary>
internal enum ConnectorOptionKind
{
    /// <summary>Any text.</summary>
    String,

    /// <summary><c>true</c> or <c>false</c>, any case.</summary>
    Boolean,

    /// <summary>A 32-bit integer.</summary>
    Int,

    /// <summary>A 64-bit integer.</summary>
    Long,

    /// <summary>A floating-point number.</summary>
    Double,

    /// <summary>One of <see cref="ConnectorOption.Values"/>.</summary>
    Enum,
}

/// <summary>
/// One option of a connector, as Flink's <c>ConfigOption</c>: its key, the kind of value, the default (null for
/// Flink's <c>noDefaultValue</c>), and for an enumeration the values it takes.
/// </summary>
/// <param name="Key">The key as written in <c>WITH (...)</c>.</param>
/// <param name="Kind">The kind of value.</param>
/// <param name="DefaultValue">The default, as text; null when none.</param>
/// <param name="Description">What the option does, for documentation.</param>
internal sealed record ConnectorOption(string Key, ConnectorOptionKind Kind, string? DefaultValue, string Description)
{
    /// <summary>The values an <see cref="ConnectorOptionKind.Enum"/> option takes, as written.</summary>
    public ImmutableArray<string> Values { get; init; } = [];

    /// <summary>A text option.</summary>
    public static ConnectorOption Text(string key, string? defaultValue, string description) => new(key, ConnectorOptionKind.String, defaultValue, description);

    /// <summary>A boolean option.</summary>
    public static ConnectorOption Boolean(string key, bool defaultValue, string description) =>
        new(key, ConnectorOptionKind.Boolean, defaultValue ? "true" : "false", description);

    /// <summary>An integer option.</summary>
    public static ConnectorOption Int(string key, int? defaultValue, string description) =>
        new(key, ConnectorOptionKind.Int, defaultValue?.ToString(System.Globalization.CultureInfo.InvariantCulture), description);

    /// <summary>A long option.</summary>
    public static ConnectorOption Long(string key, long? defaultValue, string description) =>
        new(key, ConnectorOptionKind.Long, defaultValue?.ToString(System.Globalization.CultureInfo.InvariantCulture), description);

    /// <summary>A floating-point option.</summary>
    public static ConnectorOption Double(string key, double? defaultValue, string description) =>
        new(key, ConnectorOptionKind.Double, defaultValue?.ToString(System.Globalization.CultureInfo.InvariantCulture), description);

    /// <summary>An option taking one of <paramref name="values"/>.</summary>
    public static ConnectorOption Enum(string key, string? defaultValue, string description, params string[] values) =>
        new(key, ConnectorOptionKind.Enum, defaultValue, description) { Values = [.. values] };
}
