using System.Globalization;
using Eddy.Sql.Functions;

namespace Eddy.Sql.Tests.Functions;

#pragma warning disable CA1822 // Eval, Accumulate and Retract are instance methods by the user-defined function contract

/// <summary>Names the overload that ran, to show which Eval a call resolves to.</summary>
public sealed class DescribeValue : ScalarFunction
{
    public string Eval(int value) => "int " + value.ToString(CultureInfo.InvariantCulture);

    public string Eval(long value) => "long " + value.ToString(CultureInfo.InvariantCulture);

    public string Eval(string? value) => "string " + (value ?? "null");

    public string Eval(double value, double other) => "doubles " + (value + other).ToString(CultureInfo.InvariantCulture);
}

/// <summary>A non-nullable value-type parameter (NULL skips the call) and a nullable one (the call sees NULL).</summary>
public sealed class PlusOne : ScalarFunction
{
    public long Eval(long value) => value + 1;
}

/// <summary>Receives NULL as null.</summary>
public sealed class NullMarker : ScalarFunction
{
    public string Eval(int? value) => value is null ? "was null" : "was " + value.Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Shadows the built-in UPPER when registered as a temporary system function.</summary>
public sealed class Shout : ScalarFunction
{
    public string? Eval(string? value) => value is null ? null : value.ToUpperInvariant() + "!";
}

/// <summary>Not a user-defined function at all.</summary>
public sealed class NotAFunction
{
    public string Eval(string value) => value;
}

/// <summary>Abstract: cannot be instantiated.</summary>
public abstract class AbstractFunction : ScalarFunction
{
    public string Eval(string value) => value;
}

/// <summary>No parameterless constructor.</summary>
public sealed class NeedsArgument(int offset) : ScalarFunction
{
    public int Eval(int value) => value + offset;
}

/// <summary>No Eval method.</summary>
public sealed class NoEval : ScalarFunction;

/// <summary>A private Eval only.</summary>
public sealed class PrivateEval : ScalarFunction
{
    private string Eval(string value) => value;

    public override string ToString() => Eval(nameof(PrivateEval));
}

/// <summary>Not public.</summary>
internal sealed class HiddenFunction : ScalarFunction
{
    public string Eval(string value) => value;
}

/// <summary>Flink's WeightedAvg example: SUM(value * weight) / SUM(weight) in integers, retraction-aware.</summary>
public sealed class WeightedAvg : AggregateFunction<long?, WeightedAvg.Accumulator>
{
    /// <summary>The running sums (public properties: the accumulator is kept as JSON).</summary>
    public sealed class Accumulator
    {
        public long Sum { get; set; }

        public long Count { get; set; }
    }

    public override Accumulator CreateAccumulator() => new();

    public override long? GetValue(Accumulator accumulator) => accumulator.Count == 0 ? null : accumulator.Sum / accumulator.Count;

    public void Accumulate(Accumulator accumulator, long value, int weight)
    {
        accumulator.Sum += value * weight;
        accumulator.Count += weight;
    }

    public void Retract(Accumulator accumulator, long value, int weight)
    {
        accumulator.Sum -= value * weight;
        accumulator.Count -= weight;
    }
}

/// <summary>An aggregate without Retract: refused over an updating input.</summary>
public sealed class LongestString : AggregateFunction<string, LongestString.Accumulator>
{
    public sealed class Accumulator
    {
        public string? Longest { get; set; }
    }

    public override Accumulator CreateAccumulator() => new();

    public override string GetValue(Accumulator accumulator) => accumulator.Longest!;

    public void Accumulate(Accumulator accumulator, string? value)
    {
        if (value is not null && (accumulator.Longest is null || value.Length > accumulator.Longest.Length))
            accumulator.Longest = value;
    }
}

/// <summary>A table function: one row per comma-separated word.</summary>
public sealed class SplitWords : TableFunction<SplitWords.Word>
{
    public sealed record Word(string Text, int Length);

    public void Eval(string? text)
    {
        if (text is null)
            return;
        foreach (var word in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
            Collect(new Word(word, word.Length));
    }
}
