namespace Eddy.Sql.Formats;

/// <summary>
/// A format's options or a table's types are not valid for a format: Flink's <c>ValidationException</c>, with Flink's
/// wording (<c>Unsupported options found for 'json'.</c>, <c>Could not parse value 'x' for key 'json.fail-on-missing-field'.</c>).
/// </summary>
public sealed class FormatValidationException : Exception
{
    /// <summary>An error with <paramref name="message"/>.</summary>
    public FormatValidationException(string message)
        : base(message)
    {
    }

    /// <summary>An error with <paramref name="message"/> caused by <paramref name="inner"/>.</summary>
    public FormatValidationException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>An error with no message.</summary>
    public FormatValidationException()
    {
    }
}

/// <summary>A message that does not decode: names the format, the field path (<c>user.tags[2]</c>) and what was expected.</summary>
public sealed class FormatParseException : Exception
{
    /// <summary>An error at <paramref name="path"/> (empty for the whole message).</summary>
    public FormatParseException(string message, string path)
        : base(message) => Path = path;

    /// <summary>An error with <paramref name="message"/> caused by <paramref name="inner"/>.</summary>
    public FormatParseException(string message, string path, Exception? inner)
        : base(message, inner) => Path = path;

    /// <summary>An error with <paramref name="message"/>.</summary>
    public FormatParseException(string message)
        : base(message) => Path = "";

    /// <summary>An error with <paramref name="message"/> caused by <paramref name="inner"/>.</summary>
    public FormatParseException(string message, Exception inner)
        : base(message, inner) => Path = "";

    /// <summary>An error with no message.</summary>
    public FormatParseException() => Path = "";

    /// <summary>The path of the field that did not decode (<c>a.b[1]</c>, <c>m['k']</c>), empty for the whole message.</summary>
    public string Path { get; }
}

/// <summary>A row that a format cannot write (a map's null key in JSON with the FAIL mode, say): names the field path.</summary>
public sealed class FormatWriteException : Exception
{
    /// <summary>An error at <paramref name="path"/>.</summary>
    public FormatWriteException(string message, string path)
        : base(message) => Path = path;

    /// <summary>An error with <paramref name="message"/>.</summary>
    public FormatWriteException(string message)
        : base(message) => Path = "";

    /// <summary>An error with <paramref name="message"/> caused by <paramref name="inner"/>.</summary>
    public FormatWriteException(string message, Exception inner)
        : base(message, inner) => Path = "";

    /// <summary>An error with no message.</summary>
    public FormatWriteException() => Path = "";

    /// <summary>The path of the field that could not be written.</summary>
    public string Path { get; }
}
