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

    // Per domain, a time before which the store holds no timer: every due scan starts there instead of at the
    // domain's start. Fired timers are deleted, and in an LSM store (RocksDB) a scan from the start would step over
    // all their tombstones on every watermark advance until compaction drops them. Only this service writes the
    // store, so lowering the bound on every registration before it keeps it exact; a new instance (a restored task)
    // starts from the beginning once.
    private readonly long[] _noTimerBefore = [long.MinValue, long.MinValue];

    // A timer registered while firing at or before the time being fired: the scan has to run again.
    private long _firingUpTo = long.MinValue;
    private bool _registeredDue;

    public void Register(TimeDomain domain, long timestamp, ReadOnlySpan<byte> payload)
    {
        ref var bound = ref _noTimerBefore[(int)domain];
        bound = Math.Min(bound, timestamp);
        if (timestamp <= _firingUpTo)
        {
            _registeredDue = true;
        }

        store.Put(Compose(domain, timestamp, payload), []);
    }

    public void Delete(TimeDomain domain, long timestamp, ReadOnlySpan<byte> payload) => store.Delete(Compose(domain, timestamp, payload));

    /// <summary>Fires, in time order, every timer at or before <paramref name="upTo"/>, including ones registered while firing.</summary>
    public void FireDue(TimeDomain domain, long upTo, Action<long, byte[]> onTimer)
    {
        ref var bound = ref _noTimerBefore[(int)domain];
        if (upTo < bound)
        {
            return;
        }

        var to = upTo == long.MaxValue ? new[] { (byte)((int)domain + 1) } : Key(domain, upTo + 1, []);
        var previous = _firingUpTo;
        _firingUpTo = upTo;
        try
        {
            while (true)
            {
                _registeredDue = false;
                var due = store.Range(Key(domain, bound, []), to).ToList();
                foreach (var (key, _) in due)
                {
                    store.Delete(key);
                    onTimer(StateKeys.ReadTime(key.AsSpan(1)), key.AsSpan(9).ToArray());
                }

                // Everything up to upTo is fired unless a callback registered a timer there (which lowered the bound).
                if (!_registeredDue)
                {
                    bound = Math.Max(bound, upTo == long.MaxValue ? long.MaxValue : upTo + 1);
                    return;
                }
            }
        }
        finally
        {
            _firingUpTo = previous;
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
