using System.Text.Json;
using Eddy.Broker.Configuration;
using Eddy.Cli.Commands;

namespace Eddy.Cli.Configuration;

/// <summary>
/// Builds the Kafka-named property dictionary <c>eddy up</c> hands to <see cref="BrokerOptions.Parse"/>, from three
/// layers with Kafka's usual precedence: command line (--set and the dedicated flags) over EDDY_* environment variables
/// over the settings file; anything still unset keeps the broker's default. Keys are checked here only to name the
/// layer a misspelt key came from; values are validated by the broker's own parser. An unknown key in a flag or the
/// settings file is surely a typo and stops the broker; environment variables are a namespace shared with scripts
/// (a script's own EDDY_DLL), so an unknown EDDY_* variable is only warned about and left out.
/// </summary>
public static class BrokerPropertyLayering
{
    public const string EnvironmentPrefix = "EDDY_";

    /// <summary>EDDY_BOOTSTRAP configures the client verbs, not the broker.</summary>
    public const string BootstrapVariable = "EDDY_BOOTSTRAP";

    /// <param name="warn">Told of each EDDY_* variable that names no broker setting (it is ignored).</param>
    public static Dictionary<string, string> Resolve(UpOptions options, IEnumerable<KeyValuePair<string, string>> environment, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.ConfigFile is { } file)
        {
            Overlay(merged, LoadSettingsFile(file), $"settings file {file}");
        }
        foreach (var (variable, key, value) in FromEnvironment(environment))
        {
            if (!BrokerConfigs.IsBrokerKey(BrokerConfigs.Canonical(key)))
            {
                warn?.Invoke($"warning: ignoring environment variable {variable}: '{key}' is not a broker setting. Run 'eddy up --list-configs' for the keys Eddy accepts.");
                continue;
            }
            Overlay(merged, [new(key, value)], $"environment variable {variable}");
        }
        foreach (var set in options.Sets)
        {
            Overlay(merged, [KeyValue.Parse(set, "--set")], "--set");
        }
        ApplyFlags(merged, options);
        return merged;
    }

    /// <summary>server.properties format, or a JSON object of key to value when the file name ends in .json.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> LoadSettingsFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            return PropertiesFile.Read(path);
        }
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ConfigException($"cannot read settings file {path}: {e.Message}");
        }
        return ParseJsonSettings(text, path);
    }

    /// <summary>
    /// A flat JSON object. Strings, numbers and booleans are taken as written; an array becomes a comma-separated list
    /// (log.dirs, listeners); null means "not set".
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseJsonSettings(string json, string source)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ConfigException($"settings file {source} is not valid JSON: {e.Message}");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException($"settings file {source} must hold a JSON object of key to value");
            }
            var entries = new List<KeyValuePair<string, string>>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }
                entries.Add(new(property.Name, JsonScalar(property.Value, property.Name, source)));
            }
            return entries;
        }
    }

    /// <summary>EDDY_LOG_RETENTION_MS=1000 is log.retention.ms=1000: strip the prefix, lower-case, underscores to dots.</summary>
    public static IEnumerable<(string Variable, string Key, string Value)> FromEnvironment(IEnumerable<KeyValuePair<string, string>> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) || name == BootstrapVariable || name.Length == EnvironmentPrefix.Length)
            {
                continue;
            }
            yield return (name, EnvironmentKey(name), value);
        }
    }

    public static string EnvironmentKey(string variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
#pragma warning disable CA1308 // Kafka keys are lower-case by definition; this is a name mapping, not a comparison.
        return variable[EnvironmentPrefix.Length..].ToLowerInvariant().Replace('_', '.');
#pragma warning restore CA1308
    }

    /// <summary>The process environment as key/value pairs (the real source of <see cref="Resolve"/>'s environment layer).</summary>
    public static IEnumerable<KeyValuePair<string, string>> ProcessEnvironment()
    {
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                yield return new(key, value);
            }
        }
    }

    private static void Overlay(Dictionary<string, string> merged, IEnumerable<KeyValuePair<string, string>> layer, string source)
    {
        foreach (var (rawKey, value) in layer)
        {
            var key = BrokerConfigs.Canonical(rawKey.Trim());
            if (!BrokerConfigs.IsBrokerKey(key))
            {
                throw new ConfigException($"Unknown configuration '{rawKey}' in {source}. Run 'eddy up --list-configs' for the keys Eddy accepts.");
            }
            merged[key] = value;
        }
    }

    // The dedicated flags are the top layer. --host/--port replace only their half of listeners, keeping the other half
    // from a lower layer, and likewise for the advertised pair.
    private static void ApplyFlags(Dictionary<string, string> merged, UpOptions options)
    {
        if (options.DataDir is { } dataDir)
        {
            merged[BrokerConfigs.LogDirs] = dataDir;
        }
        CheckPort(options.Port, "--port");
        CheckPort(options.AdvertisedPort, "--advertised-port");

        var (listenHost, listenPort) = Current(merged, BrokerConfigs.Listeners) ?? Current(BrokerConfigs.FindBroker(BrokerConfigs.Listeners)!.Default) ?? ("127.0.0.1", 9092);
        if (options.Host is not null || options.Port is not null)
        {
            listenHost = options.Host ?? listenHost;
            listenPort = options.Port ?? listenPort;
            merged[BrokerConfigs.Listeners] = ListenerAddress.Format(listenHost, listenPort);
        }
        if (options.AdvertisedHost is not null || options.AdvertisedPort is not null)
        {
            var (advertisedHost, advertisedPort) = Current(merged, BrokerConfigs.AdvertisedListeners)
                ?? (ListenerAddress.IsWildcard(listenHost) ? "127.0.0.1" : listenHost, listenPort);
            merged[BrokerConfigs.AdvertisedListeners] = ListenerAddress.Format(options.AdvertisedHost ?? advertisedHost, options.AdvertisedPort ?? advertisedPort);
        }
    }

    private static (string Host, int Port)? Current(Dictionary<string, string> merged, string key)
        => merged.TryGetValue(key, out var value) ? Current(value) : null;

    private static (string Host, int Port)? Current(string? value)
        => ListenerAddress.TryParse(value, out var host, out var port) ? (host, port) : null;

    private static void CheckPort(int? port, string flag)
    {
        if (port is < 0 or > 65535)
        {
            throw new ConfigException($"Invalid value {port} for {flag}: must be between 0 and 65535");
        }
    }

    private static string JsonScalar(JsonElement value, string key, string source) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(item => item.ValueKind is JsonValueKind.Array or JsonValueKind.Object or JsonValueKind.Null
            ? throw new ConfigException($"'{key}' in settings file {source}: list items must be strings, numbers or booleans")
            : JsonScalar(item, key, source))),
        _ => throw new ConfigException($"'{key}' in settings file {source} must be a string, number, boolean or list"),
    };
}
