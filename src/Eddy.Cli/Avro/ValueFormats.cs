using System.CommandLine;

namespace Eddy.Cli.Avro;

/// <summary>The --value-format and --registry-url options shared by produce and consume.</summary>
internal static class ValueFormats
{
    public const string String = "string";
    public const string Avro = "avro";
    public const string DefaultRegistryUrl = "http://127.0.0.1:8081";

    public static Option<string> ValueFormatOption(string avroMeaning)
    {
        var option = new Option<string>("--value-format")
        {
            Description = $"string (the default) or avro: {avroMeaning}",
            HelpName = "string|avro",
        };
        option.AcceptOnlyFromAmong(String, Avro);
        return option;
    }

    public static Option<string> RegistryUrlOption() => new("--registry-url")
    {
        Description = $"The schema registry for --value-format avro (Confluent's REST API). Default: $EDDY_REGISTRY_URL or {DefaultRegistryUrl}.",
        HelpName = "url",
    };

    public static string RegistryUrl(string? given) =>
        given ?? Environment.GetEnvironmentVariable("EDDY_REGISTRY_URL") ?? DefaultRegistryUrl;
}
