using System.Globalization;
using System.Text;

namespace Eddy.Protocol.Generator;

/// <summary>
/// Turns a directory of Kafka message definitions into Eddy.Protocol's C# files, in memory: one file per message,
/// the <c>ApiKey</c> enum, the <c>ApiMessages</c> factory and, given an error table, <c>ErrorCode</c>.
/// </summary>
/// <param name="apis">The APIs to generate (each has NameRequest.json and NameResponse.json).</param>
/// <param name="headers">Other messages to generate (RequestHeader, ResponseHeader).</param>
/// <param name="source">The Kafka the definitions came from, written into every header.</param>
internal sealed class CodecGenerator(IReadOnlyList<string> apis, IReadOnlyList<string> headers, KafkaSource source)
{
    /// <summary>The generated files by name, in ordinal order.</summary>
    public SortedDictionary<string, string> Generate(string specDir, string? errorsFile)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var loaded = new List<(short Key, string Name, MessageSpec Request, MessageSpec Response)>();
        foreach (var api in apis)
        {
            var request = MessageSpec.Load(Path.Combine(specDir, api + "Request.json"));
            var response = MessageSpec.Load(Path.Combine(specDir, api + "Response.json"));
            loaded.Add((request.ApiKey!.Value, api, request, response));
            Add(files, request);
            Add(files, response);
        }
        foreach (var header in headers)
        {
            Add(files, MessageSpec.Load(Path.Combine(specDir, header + ".json")));
        }
        files["ApiKey.g.cs"] = EmitApiKeys(loaded);
        files["ApiMessages.g.cs"] = EmitFactory(loaded);
        if (errorsFile is not null)
        {
            files["ErrorCode.g.cs"] = EmitErrors(ErrorTable.Load(errorsFile));
        }
        return files;
    }

    private void Add(SortedDictionary<string, string> files, MessageSpec spec) =>
        files[spec.Name + ".g.cs"] = new MessageEmitter(spec, source.Header(spec.SourceFile)).Emit();

    private string EmitApiKeys(List<(short Key, string Name, MessageSpec Request, MessageSpec Response)> apis)
    {
        var sb = new StringBuilder(source.Header(null));
        sb.Append("namespace Eddy.Protocol;\n\n/// <summary>The Kafka API keys Eddy has codecs for.</summary>\npublic enum ApiKey : short\n{\n");
        foreach (var api in apis.OrderBy(a => a.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"    {api.Name} = {api.Key},\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    private string EmitFactory(List<(short Key, string Name, MessageSpec Request, MessageSpec Response)> apis)
    {
        var sb = new StringBuilder(source.Header(null));
        sb.Append("using Eddy.Protocol.Messages;\n\nnamespace Eddy.Protocol;\n\n");
        sb.Append("/// <summary>Creates request and response messages by API key, and knows each API's version ranges.</summary>\n");
        sb.Append("public static partial class ApiMessages\n{\n");
        sb.Append("    public static IApiMessage? CreateRequest(ApiKey key) => key switch\n    {\n");
        foreach (var api in apis.OrderBy(a => a.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"        ApiKey.{api.Name} => new {api.Request.Name}(),\n");
        }
        sb.Append("        _ => null,\n    };\n\n");
        sb.Append("    public static IApiMessage? CreateResponse(ApiKey key) => key switch\n    {\n");
        foreach (var api in apis.OrderBy(a => a.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"        ApiKey.{api.Name} => new {api.Response.Name}(),\n");
        }
        sb.Append("        _ => null,\n    };\n\n");
        sb.Append("    /// <summary>Whether a request of this version uses the flexible encoding (and so request header v2).</summary>\n");
        sb.Append("    public static bool IsFlexibleRequest(ApiKey key, short version) => key switch\n    {\n");
        foreach (var api in apis.OrderBy(a => a.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"        ApiKey.{api.Name} => {api.Request.Name}.IsFlexibleVersion(version),\n");
        }
        sb.Append("        _ => false,\n    };\n\n");
        sb.Append("    /// <summary>The versions the message definitions describe (what the codec can read and write).</summary>\n");
        sb.Append("    public static (short Lowest, short Highest) CodecVersions(ApiKey key) => key switch\n    {\n");
        foreach (var api in apis.OrderBy(a => a.Key))
        {
            sb.Append(CultureInfo.InvariantCulture, $"        ApiKey.{api.Name} => ({api.Request.Name}.LowestVersion, {api.Request.Name}.HighestVersion),\n");
        }
        sb.Append("        _ => (-1, -1),\n    };\n}\n");
        return sb.ToString();
    }

    private string EmitErrors(IReadOnlyList<ErrorRow> rows)
    {
        var sb = new StringBuilder(source.Header(null));
        sb.Append("namespace Eddy.Protocol;\n\n/// <summary>Kafka protocol error codes.</summary>\npublic enum ErrorCode : short\n{\n");
        foreach (var row in rows)
        {
            if (row.Message.Length > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"    /// <summary>{System.Security.SecurityElement.Escape(row.Message)}</summary>\n");
            }
            sb.Append(CultureInfo.InvariantCulture, $"    {Pascal(row.Name)} = {row.Code},\n");
        }
        sb.Append("}\n\npublic static class ErrorCodes\n{\n");
        sb.Append("    /// <summary>The name Kafka's tools print, e.g. UNKNOWN_TOPIC_OR_PARTITION.</summary>\n");
        sb.Append("    public static string Name(ErrorCode code) => code switch\n    {\n");
        foreach (var row in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"        ErrorCode.{Pascal(row.Name)} => \"{row.Name}\",\n");
        }
        sb.Append("        _ => \"UNKNOWN_ERROR_\" + ((short)code).ToString(System.Globalization.CultureInfo.InvariantCulture),\n    };\n\n");
        sb.Append("    /// <summary>Kafka's default message for the code.</summary>\n");
        sb.Append("    public static string Message(ErrorCode code) => code switch\n    {\n");
        foreach (var row in rows.Where(r => r.Message.Length > 0))
        {
            sb.Append(CultureInfo.InvariantCulture, $"        ErrorCode.{Pascal(row.Name)} => \"{row.Message.Replace("\\", "\\\\").Replace("\"", "\\\"")}\",\n");
        }
        sb.Append("        _ => \"\",\n    };\n}\n");
        return sb.ToString();
    }

    private static string Pascal(string snake) =>
        string.Concat(snake.Split('_').Select(p => p.Length == 0 ? p : char.ToUpperInvariant(p[0]) + p[1..].ToLowerInvariant()));
}
