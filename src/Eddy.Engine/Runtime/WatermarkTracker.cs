using System.Buffers.Binary;

namespace Eddy.Engine.Runtime;

/// <summary>
/// A task's event-time clock: the minimum watermark over its input channels — one per source partition it reads
/// (bounded out-of-orderness over the timestamps seen) and one per upstream task of each repartition topic (carried
/// by watermark control records). Channels that are idle are left out; the watermark never goes back.
/// </summary>
internal sealed class WatermarkTracker
{
    private readonly List<Channel> _channels = [];

    public long Current { get; private set; } = long.MinValue;

    /// <summary>Every input is idle: downstream tasks should leave this task out of their minimum.</summary>
    public bool IsIdle { get; private set; }

    public int AddSource(long boundMs, long? idleTimeoutMs, long now)
    {
        _channels.Add(new Channel { BoundMs = boundMs, IdleTimeoutMs = idleTimeoutMs, LastActivity = now });
        return _channels.Count - 1;
    }

    public int AddUpstream()
    {
        _channels.Add(new Channel { IsUpstream = true });
        return _channels.Count - 1;
    }

    public void OnRecord(int channel, long timestamp, long now)
    {
        var c = _channels[channel];
        c.MaxTimestamp = Math.Max(c.MaxTimestamp, timestamp);
        c.LastActivity = now;
    }

    /// <summary>An explicit watermark for a source channel (the test kit's AdvanceWatermark, or a punctuated source).</summary>
    public void Force(int channel, long watermark, long now)
    {
        var c = _channels[channel];
        c.Forced = Math.Max(c.Forced, watermark);
        c.LastActivity = now;
    }

    public void OnUpstream(int channel, long watermark, bool idle)
    {
        var c = _channels[channel];
        c.Forced = Math.Max(c.Forced, watermark);
        c.UpstreamIdle = idle;
    }

    private const int ChannelBytes = 17;

    /// <summary>
    /// The channels' event-time progress as bytes, to be kept with the task's state: [channels: int32] then per
    /// channel [max timestamp: int64][forced: int64][upstream idle: byte], big-endian.
    /// </summary>
    public byte[] Save()
    {
        var bytes = new byte[4 + (_channels.Count * ChannelBytes)];
        BinaryPrimitives.WriteInt32BigEndian(bytes, _channels.Count);
        var at = 4;
        foreach (var c in _channels)
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(at), c.MaxTimestamp);
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(at + 8), c.Forced);
            bytes[at + 16] = c.UpstreamIdle ? (byte)1 : (byte)0;
            at += ChannelBytes;
        }

        return bytes;
    }

    /// <summary>
    /// Takes back progress saved by <see cref="Save"/> (idle timeouts start again from <paramref name="now"/>); false,
    /// changing nothing, when the bytes describe other channels (the job's inputs changed).
    /// </summary>
    public bool Restore(ReadOnlySpan<byte> bytes, long now)
    {
        if (bytes.Length < 4 || BinaryPrimitives.ReadInt32BigEndian(bytes) != _channels.Count || bytes.Length != 4 + (_channels.Count * ChannelBytes))
        {
            return false;
        }

        var at = 4;
        foreach (var c in _channels)
        {
            c.MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(bytes[at..]);
            c.Forced = BinaryPrimitives.ReadInt64BigEndian(bytes[(at + 8)..]);
            c.UpstreamIdle = bytes[at + 16] == 1;
            c.LastActivity = now;
            at += ChannelBytes;
        }

        return true;
    }

    /// <summary>Recomputes the minimum at processing time <paramref name="now"/>; true when the watermark advanced.</summary>
    public bool Update(long now)
    {
        var min = long.MaxValue;
        var active = 0;
        foreach (var c in _channels)
        {
            if (c.IsIdle(now))
            {
                continue;
            }

            active++;
            min = Math.Min(min, c.Watermark);
        }

        // A task with no channel at all (it reads only tables without watermarks) never moves event time: downstream
        // tasks leave it out, as an idle one.
        IsIdle = active == 0;
        if (IsIdle)
        {
            // Flink's rule (StatusWatermarkValve): once every input is idle, the watermark moves to the highest of
            // theirs. Otherwise inputs that fall silent at the same moment would hold each other back for good.
            var max = long.MinValue;
            foreach (var c in _channels)
            {
                max = Math.Max(max, c.Watermark);
            }

            if (max <= Current)
            {
                return false;
            }

            Current = max;
            return true;
        }

        if (active == 0 || min <= Current)
        {
            return false;
        }

        Current = min;
        return true;
    }

    private sealed class Channel
    {
        public bool IsUpstream { get; init; }

        public long BoundMs { get; init; }

        public long? IdleTimeoutMs { get; init; }

        public long MaxTimestamp { get; set; } = long.MinValue;

        public long Forced { get; set; } = long.MinValue;

        public long LastActivity { get; set; }

        public bool UpstreamIdle { get; set; }

        /// <summary>Highest timestamp − bound − 1 ms: a record at exactly the bound behind the maximum is still on time.</summary>
        public long Watermark => MaxTimestamp == long.MinValue ? Forced : Math.Max(MaxTimestamp - BoundMs - 1, Forced);

        public bool IsIdle(long now) => IsUpstream ? UpstreamIdle : IdleTimeoutMs is { } timeout && now - LastActivity >= timeout;
    }
}
