namespace Eddy.Engine;

/// <summary>Names a side output (late records, or what a process function sends aside) and fixes its record types.</summary>
public sealed class OutputTag<TKey, TValue>(string name)
{
    public string Name { get; } = !string.IsNullOrWhiteSpace(name) ? name : throw new ArgumentException("A side output needs a name.", nameof(name));

    public override string ToString() => Name;
}
