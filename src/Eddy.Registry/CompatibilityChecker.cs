using System.Globalization;
using Eddy.Avro;
using Eddy.Registry.JsonSchemas;
using Eddy.Registry.Protobuf;

namespace Eddy.Registry;

/// <summary>An earlier version to check a candidate against.</summary>
public sealed record PreviousSchema(
    int Version, string SchemaText, AvroSchema? Schema, string? SchemaType = null, JsonSchemaDocument? JsonSchema = null, ProtobufSchemaDocument? Protobuf = null);

/// <summary>
/// Confluent's CompatibilityChecker and SchemaValidatorBuilder over Avro schema resolution, with its messages:
/// each incompatibility as <c>{errorType:'…', description:'…', additionalInfo:'…'}</c> (Difference.java), then
/// <c>{oldSchemaVersion: N}</c> and <c>{oldSchema: '…'}</c> for the version that failed, then
/// <c>{validateFields: 'false', compatibility: 'BACKWARD'}</c>.
/// </summary>
public static class CompatibilityChecker
{
    private const int MaxSchemaSizeForLogging = 10 * 1024;

    /// <summary>
    /// The messages explaining why <paramref name="candidate"/> may not follow <paramref name="previous"/> (oldest first)
    /// at <paramref name="level"/>; empty when it may. Non-transitive levels look only at the latest version; transitive
    /// ones go newest to oldest and stop at the first version that fails (Confluent's validateLatest / validateAll).
    /// </summary>
    public static IReadOnlyList<string> Check(CompatibilityLevel level, AvroSchema candidate, IReadOnlyList<PreviousSchema> previous)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return Check(level, previous, existing => CheckOne(level, candidate, existing));
    }

    /// <summary>
    /// The same for a JSON Schema candidate, with Confluent's JSON Schema rules (<see cref="JsonSchemaDiff"/>): each
    /// incompatible difference as <c>{errorType:"…", description:"…'}</c>, "new" and "old" naming the sides.
    /// </summary>
    public static IReadOnlyList<string> Check(CompatibilityLevel level, JsonSchemaDocument candidate, IReadOnlyList<PreviousSchema> previous)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return Check(level, previous, existing => CheckOneJson(level, candidate, existing));
    }

    /// <summary>
    /// The same for a Protobuf candidate, with Confluent's Protobuf rules (<see cref="ProtobufDiff"/>): each incompatible
    /// difference as <c>{errorType:"…", description:"…"}</c>, "new" and "old" naming the sides.
    /// </summary>
    public static IReadOnlyList<string> Check(CompatibilityLevel level, ProtobufSchemaDocument candidate, IReadOnlyList<PreviousSchema> previous)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return Check(level, previous, existing => CheckOneProtobuf(level, candidate, existing));
    }

    private static List<string> Check(CompatibilityLevel level, IReadOnlyList<PreviousSchema> previous, Func<PreviousSchema, List<string>> checkOne)
    {
        ArgumentNullException.ThrowIfNull(previous);
        if (level == CompatibilityLevel.None || previous.Count == 0)
        {
            return [];
        }
        var newestFirst = previous.Reverse();
        var toCheck = level.IsTransitive() ? newestFirst : newestFirst.Take(1);
        var messages = new List<string>();
        foreach (var existing in toCheck)
        {
            messages.AddRange(checkOne(existing));
            if (messages.Count > 0)
            {
                break;
            }
        }
        if (messages.Count > 0)
        {
            messages.Add($"{{validateFields: 'false', compatibility: '{level.Name()}'}}");
        }
        return messages;
    }

    private static List<string> CheckOne(CompatibilityLevel level, AvroSchema candidate, PreviousSchema existing)
    {
        if (existing.Schema is null)
        {
            var reason = existing.SchemaType is { } type and not "AVRO"
                ? "Incompatible because of different schema type"
                : "The earlier schema could not be parsed as Avro";
            return WithOldSchema([reason], existing, append: true);
        }
        return level switch
        {
            CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive =>
                Format(AvroCompatibility.CheckReaderWriter(candidate, existing.Schema), existing, "new", "old", append: true),
            CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive =>
                Format(AvroCompatibility.CheckReaderWriter(existing.Schema, candidate), existing, "old", "new", append: true),
            CompatibilityLevel.Full or CompatibilityLevel.FullTransitive =>
                [
                    .. Format(AvroCompatibility.CheckReaderWriter(existing.Schema, candidate), existing, "old", "new", append: false),
                    .. Format(AvroCompatibility.CheckReaderWriter(candidate, existing.Schema), existing, "new", "old", append: true),
                ],
            _ => [],
        };
    }

    private static List<string> CheckOneJson(CompatibilityLevel level, JsonSchemaDocument candidate, PreviousSchema existing)
    {
        if (existing.JsonSchema is null)
        {
            var reason = existing.SchemaType is "JSON"
                ? "The earlier schema could not be parsed as a JSON Schema"
                : "Incompatible because of different schema type";
            return WithOldSchema([reason], existing, append: true);
        }
        // Confluent's isBackwardCompatible(previous) diffs previous (original) -> this (update); BACKWARD asks it of the
        // new schema, FORWARD of the old one, FULL both (forward first).
        return level switch
        {
            CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive =>
                FormatJson(JsonSchemaDiff.Compare(existing.JsonSchema.Schema, candidate.Schema), existing, "new", "old", append: true),
            CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive =>
                FormatJson(JsonSchemaDiff.Compare(candidate.Schema, existing.JsonSchema.Schema), existing, "old", "new", append: true),
            CompatibilityLevel.Full or CompatibilityLevel.FullTransitive =>
                [
                    .. FormatJson(JsonSchemaDiff.Compare(candidate.Schema, existing.JsonSchema.Schema), existing, "old", "new", append: false),
                    .. FormatJson(JsonSchemaDiff.Compare(existing.JsonSchema.Schema, candidate.Schema), existing, "new", "old", append: true),
                ],
            _ => [],
        };
    }

    private static List<string> CheckOneProtobuf(CompatibilityLevel level, ProtobufSchemaDocument candidate, PreviousSchema existing)
    {
        if (existing.Protobuf is null)
        {
            var reason = existing.SchemaType is "PROTOBUF"
                ? "The earlier schema could not be parsed as a Protobuf schema"
                : "Incompatible because of different schema type";
            return WithOldSchema([reason], existing, append: true);
        }
        // As for JSON Schema: isBackwardCompatible(previous) diffs previous (original) -> this (update).
        return level switch
        {
            CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive =>
                FormatProtobuf(ProtobufDiff.Compare(existing.Protobuf, candidate), existing, "new", "old", append: true),
            CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive =>
                FormatProtobuf(ProtobufDiff.Compare(candidate, existing.Protobuf), existing, "old", "new", append: true),
            CompatibilityLevel.Full or CompatibilityLevel.FullTransitive =>
                [
                    .. FormatProtobuf(ProtobufDiff.Compare(candidate, existing.Protobuf), existing, "old", "new", append: false),
                    .. FormatProtobuf(ProtobufDiff.Compare(existing.Protobuf, candidate), existing, "new", "old", append: true),
                ],
            _ => [],
        };
    }

    private static List<string> FormatProtobuf(IReadOnlyList<ProtobufDifference> differences, PreviousSchema existing, string first, string second, bool append)
    {
        var messages = differences.Where(d => !d.IsCompatible).Select(d => d.ToConfluentString(first, second)).ToList();
        return messages.Count > 0 ? WithOldSchema(messages, existing, append) : messages;
    }

    private static List<string> FormatJson(IReadOnlyList<JsonSchemaDifference> differences, PreviousSchema existing, string first, string second, bool append)
    {
        var messages = differences.Where(d => !d.IsCompatible).Select(d => d.ToConfluentString(first, second)).ToList();
        return messages.Count > 0 ? WithOldSchema(messages, existing, append) : messages;
    }

    private static List<string> Format(IReadOnlyList<AvroIncompatibility> incompatibilities, PreviousSchema existing, string reader, string writer, bool append)
    {
        var messages = incompatibilities.Select(i => Describe(i, reader, writer)).ToList();
        return messages.Count > 0 ? WithOldSchema(messages, existing, append) : messages;
    }

    private static List<string> WithOldSchema(List<string> messages, PreviousSchema existing, bool append)
    {
        if (append)
        {
            messages.Add(string.Create(CultureInfo.InvariantCulture, $"{{oldSchemaVersion: {existing.Version}}}"));
            messages.Add(existing.SchemaText.Length <= MaxSchemaSizeForLogging
                ? $"{{oldSchema: '{existing.SchemaText}'}}"
                : string.Create(CultureInfo.InvariantCulture,
                    $"{{oldSchema: <truncated to {MaxSchemaSizeForLogging} characters> '{existing.SchemaText[..MaxSchemaSizeForLogging]}'}}"));
        }
        return messages;
    }

    /// <summary>One incompatibility in Confluent's Difference.error() form; <paramref name="reader"/> and
    /// <paramref name="writer"/> say which side is "new" and which "old".</summary>
    public static string Describe(AvroIncompatibility incompatibility, string reader, string writer)
    {
        ArgumentNullException.ThrowIfNull(incompatibility);
        return incompatibility.ToConfluentString(reader, writer);
    }
}
