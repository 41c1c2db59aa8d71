namespace Eddy.Avro;

/// <summary>
/// A value that does not fit its schema, or bytes that are not a valid encoding of it. <see cref="Path"/> is a JSON
/// pointer to the offending value inside the datum (<c>/address/zip</c>, <c>/lines/3/qty</c>), empty for the datum itself.
/// </summary>
public sealed class AvroDataException : Exception
{
    public AvroDataException()
        : this("Invalid Avro data")
    {
    }

    public AvroDataException(string message)
        : this(message, "", null)
    {
    }

    public AvroDataException(string message, Exception innerException)
        : this(message, "", innerException)
    {
    }

    public AvroDataException(string reason, string path, Exception? innerException = null)
        : base(reason, innerException)
    {
        Reason = reason;
        Path = path;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    /// <summary>Where, as a JSON pointer into the datum; empty for the top level.</summary>
    public string Path { get; private set; }

    public override string Message => Path.Length == 0 ? Reason : $"{Reason} at {Path}";

    /// <summary>
    /// Prepends a path segment as the exception passes a level of the value on its way out, and returns false.
    /// Meant as an exception filter (<c>catch (AvroDataException e) when (e.Passing("field"))</c>): filters run
    /// before the stack unwinds and never catch, so a deep value does not pile up one rethrow per level.
    /// </summary>
    internal bool Passing(string segment)
    {
        Path = "/" + segment.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal) + Path;
        return false;
    }
}
