using Eddy.Broker.Configuration;
using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>AlterConfigs on the BROKER resource: the level's whole set of dynamic values becomes the request's.</summary>
internal static class BrokerConfigChange
{
    public static TopicResult Replace(BrokerConfiguration configuration, string resourceName, IReadOnlyList<(string Name, string? Value)> configs, bool validateOnly)
    {
        if (!configuration.IsResource(resourceName, out var clusterDefault))
        {
            return new(ErrorCode.InvalidRequest, configuration.UnexpectedBrokerMessage(resourceName));
        }
        if (configs.FirstOrDefault(c => c.Value is null) is { Name: { } nullName })
        {
            return new(ErrorCode.InvalidRequest, $"Null value not supported for : {nullName}");
        }
        if (configs.GroupBy(c => c.Name, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            return new(ErrorCode.InvalidRequest, "Error due to duplicate config keys");
        }
        var (error, message) = configuration.Replace(clusterDefault, configs.ToDictionary(c => c.Name, c => c.Value!, StringComparer.Ordinal), validateOnly);
        return new(error, message);
    }
}

/// <summary>Kafka's config resource types (ConfigResource.Type).</summary>
internal enum ConfigResourceType : sbyte
{
    Topic = 2,
    Broker = 4,
    BrokerLogger = 8,
}

/// <summary>
/// DescribeConfigs for topics (overrides over broker defaults) and for this broker: every key Kafka defines, with its
/// value in force, where it comes from, its synonyms and documentation; resource name "" is the cluster-wide dynamic
/// default, which lists only what is set there.
/// </summary>
internal sealed class DescribeConfigsHandler(TopicManager topics, BrokerConfiguration configuration) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (DescribeConfigsRequest)request;
        var version = context.ApiVersion;
        var response = new DescribeConfigsResponse();
        foreach (var resource in req.Resources)
        {
            var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = resource.ResourceType, ResourceName = resource.ResourceName };
            var keys = resource.ConfigurationKeys is { } k ? new HashSet<string>(k, StringComparer.Ordinal) : null;
            switch ((ConfigResourceType)resource.ResourceType)
            {
                case ConfigResourceType.Topic when topics.Find(resource.ResourceName) is { } topic:
                    foreach (var definition in BrokerConfigs.Topic)
                    {
                        if (keys is null || keys.Contains(definition.Name))
                        {
                            result.Configs.Add(DescribeTopicConfig(topic, definition, req, version));
                        }
                    }
                    break;
                case ConfigResourceType.Topic:
                    result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    result.ErrorMessage = $"Topic '{resource.ResourceName}' does not exist.";
                    break;
                case ConfigResourceType.Broker when configuration.IsResource(resource.ResourceName, out var clusterDefault):
                    var names = clusterDefault ? configuration.Dynamic(clusterDefault: true).Keys.Order(StringComparer.Ordinal) : BrokerConfiguration.AllKeys;
                    foreach (var name in names)
                    {
                        if (keys is null || keys.Contains(name))
                        {
                            result.Configs.Add(DescribeBrokerConfig(name, clusterDefault, req, version));
                        }
                    }
                    break;
                case ConfigResourceType.Broker:
                    result.ErrorCode = (short)ErrorCode.InvalidRequest;
                    result.ErrorMessage = configuration.UnexpectedBrokerMessage(resource.ResourceName);
                    break;
                default:
                    result.ErrorCode = (short)ErrorCode.InvalidRequest;
                    result.ErrorMessage = $"Unsupported resource type {resource.ResourceType}";
                    break;
            }
            response.Results.Add(result);
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }

    private DescribeConfigsResponse.DescribeConfigsResourceResult DescribeTopicConfig(Topic topic, ConfigDefinition definition, DescribeConfigsRequest req, short version)
    {
        var synonyms = new List<DescribeConfigsResponse.DescribeConfigsSynonym>();
        if (topic.Config.Overrides.TryGetValue(definition.Name, out var own))
        {
            synonyms.Add(new() { Name = definition.Name, Value = own, Source = (sbyte)ConfigSource.DynamicTopic });
        }
        if (definition.BrokerSynonym is { } brokerKey)
        {
            // The broker's own layers (dynamic per broker, dynamic default, static) that supply this topic's default.
            synonyms.AddRange(configuration.Synonyms(brokerKey).Where(s => s.Source != ConfigSource.Default)
                .Select(s => new DescribeConfigsResponse.DescribeConfigsSynonym { Name = s.Name, Value = s.Value, Source = (sbyte)s.Source }));
        }
        synonyms.Add(new() { Name = definition.BrokerSynonym ?? definition.Name, Value = definition.Default, Source = (sbyte)ConfigSource.Default });
        return Entry(definition, topic.Config.Values.GetValueOrDefault(definition.Name), (ConfigSource)synonyms[0].Source, synonyms, req, version);
    }

    // As Kafka's ConfigHelper: read_only unless the key may change at run time; a password's value is never shown.
    private DescribeConfigsResponse.DescribeConfigsResourceResult DescribeBrokerConfig(string name, bool clusterDefault, DescribeConfigsRequest req, short version)
    {
        var definition = BrokerConfigs.FindBroker(name);
        var kafka = KafkaBrokerKeys.Find(name);
        var type = definition?.Type ?? kafka!.Type;
        var sensitive = type == ConfigType.Password;
        var documentation = definition?.Documentation ?? $"{kafka!.Documentation} (Kafka's key: Eddy accepts and reports it, and does not act on it.)";
        var found = configuration.Synonyms(name, clusterDefault);
        var synonyms = found.Select(s => new DescribeConfigsResponse.DescribeConfigsSynonym
        {
            Name = s.Name,
            Value = sensitive ? null : s.Value,
            Source = (sbyte)s.Source,
        }).ToList();
        var source = found.Count > 0 ? (ConfigSource)found[0].Source : ConfigSource.Default;
        var value = sensitive ? null : configuration.Value(name, clusterDefault);
        return new()
        {
            Name = name,
            Value = value,
            ReadOnly = BrokerConfiguration.UpdateMode(name) == ConfigUpdateMode.ReadOnly,
            IsDefault = source == ConfigSource.Default,
            ConfigSource = (sbyte)source,
            IsSensitive = sensitive,
            Synonyms = version >= 1 && req.IncludeSynonyms ? synonyms : [],
            ConfigType = (sbyte)type,
            Documentation = version >= 3 && req.IncludeDocumentation ? documentation : null,
        };
    }

    private static DescribeConfigsResponse.DescribeConfigsResourceResult Entry(
        ConfigDefinition definition, string? value, ConfigSource source, List<DescribeConfigsResponse.DescribeConfigsSynonym> synonyms,
        DescribeConfigsRequest req, short version, bool readOnly = false) => new()
        {
            Name = definition.Name,
            Value = value,
            ReadOnly = readOnly,
            IsDefault = source == ConfigSource.Default,
            ConfigSource = (sbyte)source,
            IsSensitive = false,
            Synonyms = version >= 1 && req.IncludeSynonyms ? synonyms : [],
            ConfigType = (sbyte)definition.Type,
            Documentation = version >= 3 && req.IncludeDocumentation ? definition.Documentation : null,
        };
}

/// <summary>AlterConfigs (legacy): replaces a topic's whole set of overrides, or a broker level's whole set of dynamic values.</summary>
internal sealed class AlterConfigsHandler(TopicManager topics, BrokerConfiguration configuration) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (AlterConfigsRequest)request;
        var response = new AlterConfigsResponse();
        foreach (var resource in req.Resources)
        {
            TopicResult result;
            if ((ConfigResourceType)resource.ResourceType == ConfigResourceType.Broker)
            {
                result = BrokerConfigChange.Replace(configuration, resource.ResourceName,
                    resource.Configs.Select(c => (c.Name, c.Value)).ToList(), req.ValidateOnly);
            }
            else if ((ConfigResourceType)resource.ResourceType != ConfigResourceType.Topic)
            {
                result = new(ErrorCode.InvalidRequest, $"Unsupported resource type {resource.ResourceType}");
            }
            else if (resource.Configs.FirstOrDefault(c => c.Value is null) is { } nullValue)
            {
                result = new(ErrorCode.InvalidConfig, $"Null value not supported for topic configs: {nullValue.Name}");
            }
            else
            {
                var overrides = resource.Configs.ToDictionary(c => c.Name, c => c.Value!, StringComparer.Ordinal);
                result = topics.SetConfigs(resource.ResourceName, overrides, req.ValidateOnly);
            }
            response.Responses.Add(new AlterConfigsResponse.AlterConfigsResourceResponse
            {
                ErrorCode = (short)result.Error,
                ErrorMessage = result.Message,
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
            });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }
}

/// <summary>IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on a topic's overrides or a broker level's dynamic values.</summary>
internal sealed class IncrementalAlterConfigsHandler(TopicManager topics, BrokerConfiguration configuration) : IRequestHandler
{
    private enum Operation : sbyte
    {
        Set = 0,
        Delete = 1,
        Append = 2,
        Subtract = 3,
    }

    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (IncrementalAlterConfigsRequest)request;
        var response = new IncrementalAlterConfigsResponse();
        foreach (var resource in req.Resources)
        {
            var result = Apply(resource, req.ValidateOnly);
            response.Responses.Add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
            {
                ErrorCode = (short)result.Error,
                ErrorMessage = result.Message,
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
            });
        }
        return ValueTask.FromResult<IApiMessage?>(response);
    }

    private TopicResult Apply(IncrementalAlterConfigsRequest.AlterConfigsResource resource, bool validateOnly)
    {
        if ((ConfigResourceType)resource.ResourceType == ConfigResourceType.Broker)
        {
            return ApplyToBroker(resource, validateOnly);
        }
        if ((ConfigResourceType)resource.ResourceType != ConfigResourceType.Topic)
        {
            return new(ErrorCode.InvalidRequest, $"Unsupported resource type {resource.ResourceType}");
        }
        if (topics.Find(resource.ResourceName) is not { } topic)
        {
            return new(ErrorCode.UnknownTopicOrPartition, $"Topic '{resource.ResourceName}' does not exist.");
        }
        var overrides = new Dictionary<string, string>(topic.Config.Overrides, StringComparer.Ordinal);
        foreach (var config in resource.Configs)
        {
            var definition = BrokerConfigs.FindTopic(config.Name);
            if (definition is null)
            {
                return new(ErrorCode.InvalidConfig, $"Unknown topic config name: {config.Name}");
            }
            var current = overrides.GetValueOrDefault(config.Name) ?? topic.Config.Values[config.Name];
            if (ApplyOperation(overrides, config, definition.Type == ConfigType.List, current, ErrorCode.InvalidConfig) is { } refused)
            {
                return refused;
            }
        }
        return topics.SetConfigs(resource.ResourceName, overrides, validateOnly);
    }

    /// <summary>
    /// One SET, DELETE, APPEND or SUBTRACT on <paramref name="values"/> (a list's items comma-separated, starting from
    /// <paramref name="current"/>); null when applied, else Kafka's error. A null value is Kafka's INVALID_CONFIG for a
    /// topic and INVALID_REQUEST for a broker (<paramref name="nullValueError"/>).
    /// </summary>
    private static TopicResult? ApplyOperation(Dictionary<string, string> values, IncrementalAlterConfigsRequest.AlterableConfig config, bool isList,
        string current, ErrorCode nullValueError)
    {
        static string[] Items(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        switch ((Operation)config.ConfigOperation)
        {
            case Operation.Set when config.Value is not null:
                values[config.Name] = config.Value;
                return null;
            case Operation.Delete:
                values.Remove(config.Name);
                return null;
            case Operation.Append or Operation.Subtract when !isList:
                return new(ErrorCode.InvalidConfig,
                    $"Config value {((Operation)config.ConfigOperation == Operation.Append ? "append" : "subtract")} is not allowed for config key: {config.Name}");
            case Operation.Append when config.Value is not null:
                var items = Items(current).ToList();
                items.AddRange(Items(config.Value).Where(v => !items.Contains(v)));
                values[config.Name] = string.Join(',', items);
                return null;
            case Operation.Subtract when config.Value is not null:
                var remove = Items(config.Value);
                values[config.Name] = string.Join(',', Items(current).Where(v => !remove.Contains(v)));
                return null;
            case Operation.Set or Operation.Append or Operation.Subtract:
                return new(nullValueError, $"Null value not supported for : {config.Name}");
            default:
                return new(ErrorCode.InvalidRequest, $"Unknown config operation {config.ConfigOperation}");
        }
    }

    // The broker's dynamic values at the level named (this node, or "" for the cluster-wide default), changed key by key.
    private TopicResult ApplyToBroker(IncrementalAlterConfigsRequest.AlterConfigsResource resource, bool validateOnly)
    {
        if (!configuration.IsResource(resource.ResourceName, out var clusterDefault))
        {
            return new(ErrorCode.InvalidRequest, configuration.UnexpectedBrokerMessage(resource.ResourceName));
        }
        if (resource.Configs.GroupBy(c => c.Name, StringComparer.Ordinal).Any(g => g.Count() > 1))
        {
            return new(ErrorCode.InvalidRequest, "Error due to duplicate config keys");
        }
        var values = new Dictionary<string, string>(configuration.Dynamic(clusterDefault), StringComparer.Ordinal);
        foreach (var config in resource.Configs)
        {
            var isList = (BrokerConfigs.FindBroker(config.Name)?.Type ?? KafkaBrokerKeys.Find(config.Name)?.Type) == ConfigType.List;
            var current = values.GetValueOrDefault(config.Name) ?? configuration.Value(config.Name) ?? "";
            if (ApplyOperation(values, config, isList, current, ErrorCode.InvalidRequest) is { } refused)
            {
                return refused;
            }
        }
        var (error, message) = configuration.Replace(clusterDefault, values, validateOnly);
        return new(error, message);
    }
}
