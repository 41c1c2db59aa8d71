using Eddy.Broker.Configuration;
using Eddy.Broker.Network;
using Eddy.Broker.Topics;
using Eddy.Protocol;
using Eddy.Protocol.Messages;

namespace Eddy.Broker.Handlers;

/// <summary>Kafka's config resource types (ConfigResource.Type).</summary>
internal enum ConfigResourceType : sbyte
{
    Topic = 2,
    Broker = 4,
    BrokerLogger = 8,
}

/// <summary>DescribeConfigs for topics (overrides over broker defaults) and for this broker.</summary>
internal sealed class DescribeConfigsHandler(TopicManager topics, BrokerIdentity identity) : IRequestHandler
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
                case ConfigResourceType.Broker when resource.ResourceName.Length == 0 || resource.ResourceName == identity.NodeId.ToString(System.Globalization.CultureInfo.InvariantCulture):
                    foreach (var definition in BrokerConfigs.Broker)
                    {
                        if (keys is null || keys.Contains(definition.Name))
                        {
                            result.Configs.Add(DescribeBrokerConfig(definition, req, version));
                        }
                    }
                    break;
                case ConfigResourceType.Broker:
                    result.ErrorCode = (short)ErrorCode.InvalidRequest;
                    result.ErrorMessage = $"Unexpected broker id, expected {identity.NodeId}, but received {resource.ResourceName}";
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
        if (definition.BrokerSynonym is { } brokerKey && identity.Options.Properties.TryGetValue(brokerKey, out var brokerValue))
        {
            synonyms.Add(new() { Name = brokerKey, Value = brokerValue, Source = (sbyte)ConfigSource.StaticBroker });
        }
        synonyms.Add(new() { Name = definition.BrokerSynonym ?? definition.Name, Value = definition.Default, Source = (sbyte)ConfigSource.Default });
        return Entry(definition, topic.Config.Values.GetValueOrDefault(definition.Name), (ConfigSource)synonyms[0].Source, synonyms, req, version);
    }

    private DescribeConfigsResponse.DescribeConfigsResourceResult DescribeBrokerConfig(ConfigDefinition definition, DescribeConfigsRequest req, short version)
    {
        var set = identity.Options.Properties.TryGetValue(definition.Name, out var value);
        var synonyms = new List<DescribeConfigsResponse.DescribeConfigsSynonym>();
        if (set)
        {
            synonyms.Add(new() { Name = definition.Name, Value = value, Source = (sbyte)ConfigSource.StaticBroker });
        }
        synonyms.Add(new() { Name = definition.Name, Value = definition.Default, Source = (sbyte)ConfigSource.Default });
        return Entry(definition, set ? value : definition.Default, set ? ConfigSource.StaticBroker : ConfigSource.Default, synonyms, req, version, readOnly: true);
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

/// <summary>AlterConfigs (legacy): replaces a topic's whole set of overrides.</summary>
internal sealed class AlterConfigsHandler(TopicManager topics) : IRequestHandler
{
    public ValueTask<IApiMessage?> HandleAsync(RequestContext context, IApiMessage request, CancellationToken cancellationToken)
    {
        var req = (AlterConfigsRequest)request;
        var response = new AlterConfigsResponse();
        foreach (var resource in req.Resources)
        {
            TopicResult result;
            if ((ConfigResourceType)resource.ResourceType != ConfigResourceType.Topic)
            {
                result = new(ErrorCode.InvalidRequest, "Eddy's broker configuration is static: set it with eddy up --set or a settings file.");
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

/// <summary>IncrementalAlterConfigs: SET, DELETE, APPEND and SUBTRACT on a topic's overrides.</summary>
internal sealed class IncrementalAlterConfigsHandler(TopicManager topics) : IRequestHandler
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
        if ((ConfigResourceType)resource.ResourceType != ConfigResourceType.Topic)
        {
            return new(ErrorCode.InvalidRequest, "Eddy's broker configuration is static: set it with eddy up --set or a settings file.");
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
            switch ((Operation)config.ConfigOperation)
            {
                case Operation.Set when config.Value is not null:
                    overrides[config.Name] = config.Value;
                    break;
                case Operation.Delete:
                    overrides.Remove(config.Name);
                    break;
                case Operation.Append or Operation.Subtract when definition.Type != ConfigType.List:
                    return new(ErrorCode.InvalidConfig, $"Config value append is not allowed for config key: {config.Name}");
                case Operation.Append when config.Value is not null:
                    var current = (overrides.GetValueOrDefault(config.Name) ?? topic.Config.Values[config.Name]).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
                    current.AddRange(config.Value.Split(',', StringSplitOptions.TrimEntries).Where(v => !current.Contains(v)));
                    overrides[config.Name] = string.Join(',', current);
                    break;
                case Operation.Subtract when config.Value is not null:
                    var remove = config.Value.Split(',', StringSplitOptions.TrimEntries);
                    overrides[config.Name] = string.Join(',', (overrides.GetValueOrDefault(config.Name) ?? topic.Config.Values[config.Name])
                        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(v => !remove.Contains(v)));
                    break;
                case Operation.Set or Operation.Append or Operation.Subtract:
                    return new(ErrorCode.InvalidConfig, $"Null value not supported for : {config.Name}");
                default:
                    return new(ErrorCode.InvalidRequest, $"Unknown config operation {config.ConfigOperation}");
            }
        }
        return topics.SetConfigs(resource.ResourceName, overrides, validateOnly);
    }
}
