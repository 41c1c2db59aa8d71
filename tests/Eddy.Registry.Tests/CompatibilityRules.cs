namespace Eddy.Registry.Tests;

/// <summary>
/// The checks of a compatibility-rule row shared by the schema types' rule tables: a row is an old and a new schema
/// with the difference a BACKWARD check (old → new) and a FORWARD check (new → old) must refuse (<c>"ERROR_TYPE path"</c>),
/// or null when that direction is compatible; FULL must refuse whatever either direction refuses.
/// </summary>
internal static class CompatibilityRules
{
    /// <param name="check">The messages of checking the row's new schema against its old one at a level.</param>
    /// <param name="backward">What BACKWARD refuses, or null.</param>
    /// <param name="forward">What FORWARD refuses, or null.</param>
    /// <param name="namesDirection">Whether a message names the reader and the writer of the failed direction (message, reader, writer): each type words it its own way.</param>
    public static void AssertBothWaysAndFull(Func<CompatibilityLevel, IReadOnlyList<string>> check, string? backward, string? forward,
        Func<string, string, string, bool> namesDirection)
    {
        AssertRefusal(check(CompatibilityLevel.Backward), backward, "new", "old", namesDirection);
        AssertRefusal(check(CompatibilityLevel.Forward), forward, "old", "new", namesDirection);
        var full = check(CompatibilityLevel.Full);
        Assert.Equal(backward is null && forward is null, full.Count == 0);
        foreach (var expected in new[] { forward, backward }.OfType<string>())
        {
            Assert.Contains(full, m => m.Contains($"errorType:\"{expected.Split(' ')[0]}\"", StringComparison.Ordinal));
        }
    }

    private static void AssertRefusal(IReadOnlyList<string> messages, string? expected, string first, string second, Func<string, string, string, bool> namesDirection)
    {
        if (expected is null)
        {
            Assert.True(messages.Count == 0, string.Join(Environment.NewLine, messages));
            return;
        }
        var parts = expected.Split(' ');
        Assert.True(messages.Count > 0, $"expected {expected}");
        Assert.Contains(messages, m => m.StartsWith($"{{errorType:\"{parts[0]}\"", StringComparison.Ordinal) && m.Contains($"'{parts[1]}'", StringComparison.Ordinal));
        Assert.Contains(messages, m => namesDirection(m, first, second));
    }
}
