using System.Text;

namespace Eddy.Sql.Formats;

/// <summary>
/// A value that did not decode, thrown from a leaf decoder and given its path on the way out: each container that
/// it passes through adds its field name or index, so the leaf need not know where it is and the happy path keeps
/// no path at all.
/// </summary>
internal sealed class FieldError : Exception
{
    private readonly List<string> _segments = [];

    public FieldError(string detail)
        : base(detail)
    {
    }

    public FieldError()
    {
    }

    public FieldError(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Adds the field <paramref name="name"/> in front of the path and returns this error to rethrow.</summary>
    public FieldError InField(string name)
    {
        _segments.Add(name);
        return this;
    }

    /// <summary>Adds an array index in front of the path.</summary>
    public FieldError AtIndex(int index)
    {
        _segments.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{index}]"));
        return this;
    }

    /// <summary>Adds a map key in front of the path.</summary>
    public FieldError AtKey(string key)
    {
        _segments.Add($"['{key}']");
        return this;
    }

    /// <summary>The path, outermost first: <c>a.b[1]['k']</c>.</summary>
    public string Path
    {
        get
        {
            var text = new StringBuilder();
            for (var i = _segments.Count - 1; i >= 0; i--)
            {
                var segment = _segments[i];
                if (text.Length > 0 && segment[0] != '[')
                    text.Append('.');
                text.Append(segment);
            }
            return text.ToString();
        }
    }

    /// <summary>The error as the format reports it: <c>{what} at field 'a.b': {detail}</c>.</summary>
    public FormatParseException ToParseException(string what) =>
        new(Path.Length == 0 ? $"{what}: {Message}" : $"{what} at field '{Path}': {Message}", Path, this);
}
