namespace Eddy.Avro;

/// <summary>Avro schema resolution as a static check (what the schema registry's compatibility levels are built on).</summary>
public static class AvroCompatibility
{
    /// <summary>
    /// Why <paramref name="reader"/> cannot read what <paramref name="writer"/> wrote; empty when it can. Same
    /// rules, order and locations as Avro Java's <c>SchemaCompatibility.checkReaderWriterCompatibility</c>, which is
    /// what Confluent's registry reports.
    /// </summary>
    public static IReadOnlyList<AvroIncompatibility> CheckReaderWriter(AvroSchema reader, AvroSchema writer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        return new CompatibilityChecker().Check(reader, writer);
    }

    /// <summary>Whether <paramref name="reader"/> can read everything <paramref name="writer"/> can write.</summary>
    public static bool CanRead(AvroSchema reader, AvroSchema writer) => CheckReaderWriter(reader, writer).Count == 0;
}
