using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Linq.Expressions;
using System.Reflection;
using Eddy.Protocol;

namespace Eddy.Broker.Metrics;

/// <summary>
/// Counts the error codes a response carries, wherever its message puts them (top level, per topic, per
/// partition), as Kafka's <c>ErrorsPerSec{request,error}</c> counts a response's <c>errorCounts()</c>. The
/// generated messages all name the field <c>ErrorCode</c>; each message type's walk is compiled once, from its
/// properties, so a response costs one delegate call per nested entry and no allocation.
/// </summary>
internal static class ResponseErrors
{
    private static readonly ConcurrentDictionary<Type, Walker> Walkers = new();
    private static readonly Assembly ProtocolAssembly = typeof(IApiMessage).Assembly;
    private static readonly string[] ErrorNames = BuildErrorNames();

    public static void Visit(object message, string api, Counter<long> errors) =>
        Walkers.GetOrAdd(message.GetType(), Build).Visit(message, api, errors);

    private static string NameOf(short code) =>
        code + 1 is var i && (uint)i < (uint)ErrorNames.Length && ErrorNames[i] is { } name ? name : ErrorCodes.Name((ErrorCode)code);

    // Kafka's names (UNKNOWN_TOPIC_OR_PARTITION), indexed by code + 1 so that UNKNOWN_SERVER_ERROR (−1) has a slot.
    private static string[] BuildErrorNames()
    {
        var codes = Enum.GetValues<ErrorCode>();
        var names = new string[codes.Max(c => (short)c) + 2];
        foreach (var code in codes)
        {
            names[(short)code + 1] = ErrorCodes.Name(code);
        }
        return names;
    }

    private static Walker Build(Type type)
    {
        Func<object, short>? errorCode = null;
        var lists = new List<Func<object, IList?>>();
        var children = new List<Func<object, object?>>();
        var instance = Expression.Parameter(typeof(object), "message");
        var typed = Expression.Convert(instance, type);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }
            var propertyType = property.PropertyType;
            if (property.Name == "ErrorCode" && propertyType == typeof(short))
            {
                errorCode = Expression.Lambda<Func<object, short>>(Expression.Property(typed, property), instance).Compile();
            }
            else if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(List<>)
                && IsMessage(propertyType.GetGenericArguments()[0]))
            {
                lists.Add(Expression.Lambda<Func<object, IList?>>(Expression.Convert(Expression.Property(typed, property), typeof(IList)), instance).Compile());
            }
            else if (IsMessage(propertyType))
            {
                children.Add(Expression.Lambda<Func<object, object?>>(Expression.Property(typed, property), instance).Compile());
            }
        }
        return new Walker(errorCode, [.. lists], [.. children]);
    }

    // The generated messages and their nested structs are classes of the protocol assembly; records are not walked.
    private static bool IsMessage(Type type) =>
        type.IsClass && type.Assembly == ProtocolAssembly && !typeof(Records).IsAssignableFrom(type);

    private sealed class Walker(Func<object, short>? errorCode, Func<object, IList?>[] lists, Func<object, object?>[] children)
    {
        public void Visit(object message, string api, Counter<long> errors)
        {
            if (errorCode is not null && errorCode(message) is var code && code != 0)
            {
                errors.Add(1, new KeyValuePair<string, object?>("api", api), new KeyValuePair<string, object?>("error", NameOf(code)));
            }
            foreach (var list in lists)
            {
                if (list(message) is not { Count: > 0 } items)
                {
                    continue;
                }
                for (var i = 0; i < items.Count; i++)
                {
                    if (items[i] is { } item)
                    {
                        ResponseErrors.Visit(item, api, errors);
                    }
                }
            }
            foreach (var child in children)
            {
                if (child(message) is { } item)
                {
                    ResponseErrors.Visit(item, api, errors);
                }
            }
        }
    }
}
