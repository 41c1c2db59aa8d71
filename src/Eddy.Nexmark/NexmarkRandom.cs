namespace Eddy.Nexmark;

/// <summary>
/// The generator's random numbers: SplitMix64 (Steele, Lea and Flood, the generator behind Java's
/// <c>SplittableRandom</c>), seeded per event from the run's seed and the event's id, so an event's fields depend on
/// nothing but (seed, event id): a split can start at any event, and a restarted generator writes the same events.
/// </summary>
internal struct NexmarkRandom
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private ulong _state;

    /// <summary>The random numbers of event <paramref name="eventId"/> in the run seeded with <paramref name="seed"/>.</summary>
    public NexmarkRandom(long seed, long eventId)
    {
        _state = Mix(((ulong)seed * 0xD1B54A32D192ED03UL) ^ ((ulong)eventId * Gamma));
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextBits()
    {
        _state += Gamma;
        return Mix(_state);
    }

    /// <summary>A uniform integer in [0, <paramref name="bound"/>) (Lemire's multiply-shift; the bias is below bound / 2^32).</summary>
    public int NextInt(int bound) => (int)(((NextBits() >> 32) * (ulong)bound) >> 32);

    /// <summary>A uniform integer in [0, <paramref name="bound"/>), for bounds beyond <see cref="int"/> too.</summary>
    public long NextLong(long bound) => bound <= int.MaxValue ? NextInt((int)bound) : (long)(NextBits() % (ulong)bound);

    /// <summary>A uniform double in [0, 1), from 53 random bits as Java's <c>nextDouble</c>.</summary>
    public double NextDouble() => (NextBits() >> 11) * (1.0 / (1UL << 53));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
