namespace Eddy.Cli.Sql;

/// <summary>
/// The session's configuration (<c>SET 'key' = 'value';</c>), shared by the client and its executor: the client
/// reads <c>sql-client.execution.result-mode</c> from it when it shows a query. <c>RESET</c> returns a key to its
/// value at start (the command line's, e.g. <c>--output</c>).
/// </summary>
public sealed class SqlSessionProperties
{
    private readonly SortedDictionary<string, string> _defaults = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>Sets a property's value at start, which RESET returns to.</summary>
    public void SetDefault(string key, string value)
    {
        _defaults[key] = value;
        _values[key] = value;
    }

    /// <summary>The properties set, sorted by key.</summary>
    public IReadOnlyDictionary<string, string> Values => _values;

    public string? Get(string key) => _values.TryGetValue(key, out var value) ? value : null;

    /// <summary>Sets a property; the client's own keys are checked first (a bad result mode is an error, not a surprise later).</summary>
    public void Set(string key, string value)
    {
        if (key == SqlResultModes.Property && !SqlResultModes.TryParse(value, out _))
        {
            throw new SqlStatementException(
                $"Unknown value '{value}' for '{SqlResultModes.Property}': expected one of {string.Join(", ", SqlResultModes.Names)}.");
        }
        _values[key] = value;
    }

    /// <summary>Returns <paramref name="key"/> to its value at start (or unsets it).</summary>
    public void Reset(string key)
    {
        if (_defaults.TryGetValue(key, out var value))
        {
            _values[key] = value;
        }
        else
        {
            _values.Remove(key);
        }
    }

    /// <summary>Returns every property to its value at start.</summary>
    public void ResetAll()
    {
        _values.Clear();
        foreach (var (key, value) in _defaults)
        {
            _values[key] = value;
        }
    }
}
