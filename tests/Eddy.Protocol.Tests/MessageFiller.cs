using System.Collections;
using System.Reflection;
using Eddy.Protocol;

namespace Eddy.Protocol.Tests;

/// <summary>
/// Fills every property of a generated message with distinct non-default values (lists with two elements),
/// so a round trip exercises every field, nested struct and tagged field a version carries.
/// </summary>
internal static class MessageFiller
{
    public static T Fill<T>(T message, int seed = 1) where T : notnull
    {
        FillObject(message, ref seed, depth: 0);
        return message;
    }

    private static void FillObject(object target, ref int seed, int depth)
    {
        foreach (var property in target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanWrite)
            {
                continue;
            }
            property.SetValue(target, Value(property.PropertyType, ref seed, depth));
        }
    }

    private static object? Value(Type type, ref int seed, int depth)
    {
        seed++;
        if (type == typeof(bool))
        {
            return seed % 2 == 0;
        }
        if (type == typeof(sbyte))
        {
            return (sbyte)(seed % 100);
        }
        if (type == typeof(short))
        {
            return (short)(seed * 3);
        }
        if (type == typeof(ushort))
        {
            return (ushort)(seed * 5);
        }
        if (type == typeof(int))
        {
            return seed * 1000 + 7;
        }
        if (type == typeof(uint))
        {
            return (uint)(seed * 1001);
        }
        if (type == typeof(long))
        {
            return seed * 1_000_000_007L;
        }
        if (type == typeof(double))
        {
            return seed + 0.25;
        }
        if (type == typeof(string))
        {
            return $"s{seed}-é";
        }
        if (type == typeof(Uuid))
        {
            return new Uuid(seed, seed * 31L);
        }
        if (type == typeof(byte[]))
        {
            return new byte[] { (byte)seed, 1, 2, 3 };
        }
        if (type == typeof(Records))
        {
            return new MemoryRecords(new byte[] { 9, 8, 7, (byte)seed });
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var element = type.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(type)!;
            if (depth < 4)
            {
                for (var i = 0; i < 2; i++)
                {
                    list.Add(Value(element, ref seed, depth + 1));
                }
            }
            return list;
        }
        if (type.IsClass)
        {
            var nested = Activator.CreateInstance(type)!;
            FillObject(nested, ref seed, depth + 1);
            return nested;
        }
        throw new NotSupportedException(type.FullName);
    }
}
