using System.Text.Json;

namespace Eddy.Protocol.Generator;

/// <summary>A version range as the specs write it: "0+", "3-7", "none".</summary>
internal readonly record struct VersionRange(short Low, short High)
{
    public static readonly VersionRange None = new(1, 0);

    public bool IsNone => Low > High;

    public bool IsAll => Low == 0 && High == short.MaxValue;

    public static VersionRange Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "none")
        {
            return None;
        }
        if (text.EndsWith('+'))
        {
            return new(short.Parse(text[..^1]), short.MaxValue);
        }
        var dash = text.IndexOf('-');
        return dash < 0
            ? new(short.Parse(text), short.Parse(text))
            : new(short.Parse(text[..dash]), short.Parse(text[(dash + 1)..]));
    }

    public VersionRange Intersect(VersionRange other) =>
        new(Math.Max(Low, other.Low), Math.Min(High, other.High));

    /// <summary>A C# condition on <c>version</c>, or "true"/"false" when the range decides it for <paramref name="valid"/>.</summary>
    public string Condition(VersionRange valid)
    {
        var r = Intersect(valid);
        if (r.IsNone)
        {
            return "false";
        }
        var lowOk = r.Low <= valid.Low;
        var highOk = r.High >= valid.High;
        return (lowOk, highOk) switch
        {
            (true, true) => "true",
            (false, true) => $"version >= {r.Low}",
            (true, false) => $"version <= {r.High}",
            _ => r.Low == r.High ? $"version == {r.Low}" : $"version >= {r.Low} && version <= {r.High}",
        };
    }

    public override string ToString() => IsNone ? "none" : High == short.MaxValue ? $"{Low}+" : $"{Low}-{High}";
}

internal sealed class FieldSpec
{
    public required string Name { get; init; }
    public required string Type { get; init; }
    public required VersionRange Versions { get; init; }
    public VersionRange NullableVersions { get; init; } = VersionRange.None;
    public VersionRange TaggedVersions { get; init; } = VersionRange.None;
    public VersionRange? FlexibleVersions { get; init; }
    public int? Tag { get; init; }
    public string? Default { get; init; }
    public string? About { get; init; }
    public List<FieldSpec>? Fields { get; init; }

    public bool IsArray => Type.StartsWith("[]", StringComparison.Ordinal);

    public string ElementType => IsArray ? Type[2..] : Type;

    public bool IsNullable => !NullableVersions.IsNone;

    public bool IsTagged => Tag is not null;

    public static FieldSpec Parse(JsonElement e)
    {
        List<FieldSpec>? fields = null;
        if (e.TryGetProperty("fields", out var f))
        {
            fields = [.. f.EnumerateArray().Select(Parse)];
        }
        return new FieldSpec
        {
            Name = e.GetProperty("name").GetString()!,
            Type = e.GetProperty("type").GetString()!.Trim(),
            Versions = VersionRange.Parse(e.GetProperty("versions").GetString()),
            NullableVersions = VersionRange.Parse(Str(e, "nullableVersions")),
            TaggedVersions = VersionRange.Parse(Str(e, "taggedVersions")),
            FlexibleVersions = Str(e, "flexibleVersions") is { } fv ? VersionRange.Parse(fv) : null,
            Tag = e.TryGetProperty("tag", out var t) ? t.GetInt32() : null,
            Default = e.TryGetProperty("default", out var d) ? d.ValueKind == JsonValueKind.String ? d.GetString() : d.GetRawText() : null,
            About = Str(e, "about"),
            Fields = fields,
        };
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

internal sealed class MessageSpec
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public short? ApiKey { get; init; }
    public required VersionRange ValidVersions { get; init; }
    public required VersionRange FlexibleVersions { get; init; }
    public required List<FieldSpec> Fields { get; init; }
    public required List<FieldSpec> CommonStructs { get; init; }
    public required string SourceFile { get; init; }

    public static MessageSpec Load(string path)
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var doc = JsonDocument.Parse(File.ReadAllText(path), options);
        var root = doc.RootElement;
        return new MessageSpec
        {
            Name = root.GetProperty("name").GetString()!,
            Kind = root.GetProperty("type").GetString()!,
            ApiKey = root.TryGetProperty("apiKey", out var k) ? k.GetInt16() : null,
            ValidVersions = VersionRange.Parse(root.GetProperty("validVersions").GetString()),
            FlexibleVersions = VersionRange.Parse(root.GetProperty("flexibleVersions").GetString()),
            Fields = [.. root.GetProperty("fields").EnumerateArray().Select(FieldSpec.Parse)],
            CommonStructs = root.TryGetProperty("commonStructs", out var cs)
                ? [.. cs.EnumerateArray().Select(e => new FieldSpec
                {
                    Name = e.GetProperty("name").GetString()!,
                    Type = e.GetProperty("name").GetString()!,
                    Versions = VersionRange.Parse(e.GetProperty("versions").GetString()),
                    Fields = [.. e.GetProperty("fields").EnumerateArray().Select(FieldSpec.Parse)],
                })]
                : [],
            SourceFile = Path.GetFileName(path),
        };
    }
}
