using System.Collections.Concurrent;
using System.Globalization;

namespace Eddy.Nexmark;

/// <summary>
/// The fixed texts of a run, made once per seed: the padding text every <c>extra</c> is a slice of, the four hot
/// channels' URLs and the 10,000 other channels with their URLs (Flink makes these at class load, unseeded), and the
/// names, cities and states people are drawn from.
/// </summary>
internal sealed class NexmarkTexts
{
    /// <summary>The length of the padding text (Flink's reusable extra string: 1 MiB of letters).</summary>
    public const int PaddingLength = 1 << 20;

    /// <summary>Channels other than the hot ones (Flink's <c>CHANNELS_NUMBER</c>).</summary>
    public const int ChannelCount = 10_000;

    private static readonly ConcurrentDictionary<(long Seed, int Length), NexmarkTexts> Cache = new();

    /// <summary>The hot channels (a bid's channel is one of them with probability 1/2).</summary>
    public static readonly string[] HotChannels = ["Google", "Facebook", "Baidu", "Apple"];

    public static readonly string[] States = ["AZ", "CA", "ID", "OR", "WA", "WY"];

    public static readonly string[] Cities = ["Phoenix", "Los Angeles", "San Francisco", "Boise", "Portland", "Bend", "Redmond", "Seattle", "Kent", "Cheyenne"];

    private static readonly string[] FirstNames = ["Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter"];

    private static readonly string[] LastNames = ["Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris"];

    /// <summary>Every "first last" name, index <c>first × 9 + last</c>: made once, so a person's name allocates nothing.</summary>
    public static readonly string[] Names = MakeNames();

    /// <summary>Number of first names, which times <see cref="LastNameCount"/> is the number of <see cref="Names"/>.</summary>
    public static int FirstNameCount => FirstNames.Length;

    /// <summary>Number of last names.</summary>
    public static int LastNameCount => LastNames.Length;

    private NexmarkTexts(long seed, int paddingLength)
    {
        // Seeded from ids no event has (events have ids from 1 up).
        var random = new NexmarkRandom(seed, -1);
        var padding = new char[paddingLength];
        for (var i = 0; i < padding.Length; i++)
            padding[i] = (char)('a' + random.NextInt(26));
        Padding = new string(padding);

        random = new NexmarkRandom(seed, -2);
        HotUrls = new string[HotChannels.Length];
        for (var i = 0; i < HotUrls.Length; i++)
            HotUrls[i] = BaseUrl(ref random);
        Channels = new string[ChannelCount];
        ChannelUrls = new string[ChannelCount];
        for (var i = 0; i < ChannelCount; i++)
        {
            var url = BaseUrl(ref random);
            // Nine channels in ten name their id in the URL (q21 extracts it): Java's Math.abs(Integer.reverse(i)).
            if (random.NextInt(10) > 0)
                url += "&channel_id=" + JavaAbs(ReverseBits(i)).ToString(CultureInfo.InvariantCulture);
            Channels[i] = "channel-" + i.ToString(CultureInfo.InvariantCulture);
            ChannelUrls[i] = url;
        }
    }

    /// <summary>The text every event's <c>extra</c> is a slice of.</summary>
    public string Padding { get; }

    /// <summary>The URLs of the hot channels, by the index of <see cref="HotChannels"/>.</summary>
    public string[] HotUrls { get; }

    /// <summary>The other channels' names: <c>channel-0</c> to <c>channel-9999</c>.</summary>
    public string[] Channels { get; }

    /// <summary>The other channels' URLs, by channel number.</summary>
    public string[] ChannelUrls { get; }

    /// <summary>The texts of a seed, made on first use and shared by every generator of that seed.</summary>
    public static NexmarkTexts Of(long seed, int largestPadding)
    {
        var length = Math.Max(PaddingLength, (2 * largestPadding) + 1);
        return Cache.GetOrAdd((seed, length), static key => new NexmarkTexts(key.Seed, key.Length));
    }

    /// <summary><c>https://www.nexmark.com/xxx/xxx/xxx/item.htm?query=1</c>, the three parts random (3 or 4 letters, '_' one time in 13).</summary>
    private static string BaseUrl(ref NexmarkRandom random)
    {
        Span<char> text = stackalloc char[64];
        var length = 0;
        Append(text, ref length, "https://www.nexmark.com/");
        for (var part = 0; part < 3; part++)
        {
            length += RandomText(ref random, 5, '_', text[length..]);
            text[length++] = '/';
        }
        Append(text, ref length, "item.htm?query=1");
        return new string(text[..length]);
    }

    private static void Append(Span<char> text, ref int length, string value)
    {
        value.AsSpan().CopyTo(text[length..]);
        length += value.Length;
    }

    /// <summary>
    /// Flink's <c>nextString(maxLength, special)</c>: 3 to <paramref name="maxLength"/> − 1 characters, each
    /// <paramref name="special"/> with probability 1/13 else a lowercase letter, then trimmed of spaces. Returns the
    /// length written.
    /// </summary>
    public static int RandomText(ref NexmarkRandom random, int maxLength, char special, Span<char> into)
    {
        var length = 3 + random.NextInt(maxLength - 3);
        for (var i = 0; i < length; i++)
            into[i] = random.NextInt(13) == 0 ? special : (char)('a' + random.NextInt(26));
        if (special != ' ')
            return length;
        var start = 0;
        while (start < length && into[start] == ' ')
            start++;
        var end = length;
        while (end > start && into[end - 1] == ' ')
            end--;
        if (start > 0)
            into[start..end].CopyTo(into);
        return end - start;
    }

    private static int ReverseBits(int value)
    {
        var v = (uint)value;
        uint reversed = 0;
        for (var i = 0; i < 32; i++)
        {
            reversed = (reversed << 1) | (v & 1);
            v >>= 1;
        }
        return (int)reversed;
    }

    /// <summary>Java's <c>Math.abs(int)</c>: <see cref="int.MinValue"/> stays negative.</summary>
    private static int JavaAbs(int value) => value == int.MinValue ? value : Math.Abs(value);

    private static string[] MakeNames()
    {
        var names = new string[FirstNames.Length * LastNames.Length];
        for (var f = 0; f < FirstNames.Length; f++)
        {
            for (var l = 0; l < LastNames.Length; l++)
                names[(f * LastNames.Length) + l] = FirstNames[f] + " " + LastNames[l];
        }
        return names;
    }
}
