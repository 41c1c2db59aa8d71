using System.Buffers;
using Eddy.Engine.State;

namespace Eddy.Engine.Runtime;

/// <summary>
/// Timers kept in a state store (so they survive restarts with the rest of the state): key [domain][time][payload],
/// so the due timers of a domain are one ordered range scan. Registering twice is one timer.
/// </summary>
internal sealed class TimerService(IKeyValueStore store)
{
    private readonly ArrayBufferWriter<byte> _scratch = new();

    public void Register(TimeDomain domain, long timestamp, ReadOnlySpan<byte> payload) => store.Put(Compose(domain, timestamp, payload), []);

    public void Delete(TimeDomain domain, long timestamp, ReadOnlySpan<byte> payload) => store.Delete(Compose(domain, timestamp, payload));

    /// <summary>Fires, in time order, every timer at or before <paramref name="upTo"/>, including ones registered while firing.</summary>
    public void FireDue(TimeDomain domain, long upTo, Action<long, byte[]> onTimer)
    {
        var from = Key(domain, long.MinValue, []);
        var to = upTo == long.MaxValue ? new[] { (byte)((int)domain + 1) } : Key(domain, upTo + 1, []);
        while (true)
        {
            var due = store.Range(from, to).ToList();
            if (due.Count == 0)
            {
                return;
            }

            foreach (var (key, _) in due)
            {
                store.Delete(key);
                onTimer(StateKeys.ReadTime(key.AsSpan(1)), key.AsSpan(9).ToArray());
            }
        }
    }

    /// <summary>The timer's key in a reused buffer: registering timers allocates nothing.</summary>
    private ReadOnlySpan<byte> Compose(TimeDomain domain, long timestamp, ReadOnlySpan<byte> payload)
    {
        _scratch.ResetWrittenCount();
        var span = _scratch.GetSpan(9 + payload.Length);
        span[0] = (byte)domain;
        StateKeys.WriteTime(span[1..], timestamp);
        payload.CopyTo(span[9..]);
        _scratch.Advance(9 + payload.Length);
        return _scratch.WrittenSpan;
    }

    private static byte[] Key(TimeDomain domain, long timestamp, ReadOnlySpan<byte> payload)
    {
        var key = new byte[9 + payload.Length];
        key[0] = (byte)domain;
        StateKeys.WriteTime(key.AsSpan(1), timestamp);
        payload.CopyTo(key.AsSpan(9));
        return key;
    }
}
