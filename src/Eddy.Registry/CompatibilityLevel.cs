namespace Eddy.Registry;

/// <summary>Confluent's compatibility levels (CompatibilityChecker.java).</summary>
public enum CompatibilityLevel
{
    None,
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
}

/// <summary>The registry's modes: READWRITE (default), READONLY, READONLY_OVERRIDE (global, beats subject modes) and IMPORT.</summary>
public enum RegistryMode
{
    ReadWrite,
    ReadOnly,
    ReadOnlyOverride,
    Import,
}

/// <summary>Names as they appear on the wire (<c>BACKWARD_TRANSITIVE</c>, <c>READONLY_OVERRIDE</c>).</summary>
public static class RegistryNames
{
    private static readonly Dictionary<string, CompatibilityLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NONE"] = CompatibilityLevel.None,
        ["BACKWARD"] = CompatibilityLevel.Backward,
        ["BACKWARD_TRANSITIVE"] = CompatibilityLevel.BackwardTransitive,
        ["FORWARD"] = CompatibilityLevel.Forward,
        ["FORWARD_TRANSITIVE"] = CompatibilityLevel.ForwardTransitive,
        ["FULL"] = CompatibilityLevel.Full,
        ["FULL_TRANSITIVE"] = CompatibilityLevel.FullTransitive,
    };

    private static readonly Dictionary<string, RegistryMode> Modes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["READWRITE"] = RegistryMode.ReadWrite,
        ["READONLY"] = RegistryMode.ReadOnly,
        ["READONLY_OVERRIDE"] = RegistryMode.ReadOnlyOverride,
        ["IMPORT"] = RegistryMode.Import,
    };

    public static string Name(this CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.None => "NONE",
        CompatibilityLevel.Backward => "BACKWARD",
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.Forward => "FORWARD",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.Full => "FULL",
        CompatibilityLevel.FullTransitive => "FULL_TRANSITIVE",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };

    public static string Name(this RegistryMode mode) => mode switch
    {
        RegistryMode.ReadWrite => "READWRITE",
        RegistryMode.ReadOnly => "READONLY",
        RegistryMode.ReadOnlyOverride => "READONLY_OVERRIDE",
        RegistryMode.Import => "IMPORT",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Case-insensitive, as Confluent's CompatibilityLevel.forName.</summary>
    public static bool TryParseLevel(string? name, out CompatibilityLevel level)
    {
        level = default;
        return name is not null && Levels.TryGetValue(name.Trim(), out level);
    }

    public static bool TryParseMode(string? name, out RegistryMode mode)
    {
        mode = default;
        return name is not null && Modes.TryGetValue(name.Trim(), out mode);
    }

    public static bool IsTransitive(this CompatibilityLevel level) =>
        level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
}
