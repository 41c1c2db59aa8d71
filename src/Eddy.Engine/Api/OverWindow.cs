namespace Eddy.Engine;

/// <summary>
/// The frame of an OVER aggregate, as SQL's <c>OVER (PARTITION BY key ORDER BY rowtime ... PRECEDING AND CURRENT ROW)</c>:
/// each row's result aggregates the rows of its key from the start of the frame up to the row itself, in event-time
/// order. <see cref="Rows"/> counts rows; <see cref="Range"/> spans time, so rows with the same timestamp (peers) are
/// in each other's frames; the unbounded frames reach back to the key's first row.
/// </summary>
public sealed class OverWindow
{
    private OverWindow(bool isRange, long preceding)
    {
        IsRange = isRange;
        Preceding = preceding;
    }

    /// <summary>True for a RANGE frame (by time, peers included), false for a ROWS frame (by count, arrival order among peers).</summary>
    internal bool IsRange { get; }

    /// <summary>Rows (ROWS) or milliseconds (RANGE) before the current row, or -1 when unbounded.</summary>
    internal long Preceding { get; }

    internal bool IsUnbounded => Preceding < 0;

    /// <summary>
    /// <c>ROWS BETWEEN <paramref name="preceding"/> PRECEDING AND CURRENT ROW</c>: the row and up to
    /// <paramref name="preceding"/> rows of its key before it (rows with the same timestamp in arrival order).
    /// </summary>
    public static OverWindow Rows(int preceding)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(preceding);
        return new OverWindow(isRange: false, preceding);
    }

    /// <summary>
    /// <c>RANGE BETWEEN INTERVAL <paramref name="preceding"/> PRECEDING AND CURRENT ROW</c>: the rows of the key whose
    /// timestamp is at most <paramref name="preceding"/> before the row's, and every row with the row's own timestamp.
    /// </summary>
    public static OverWindow Range(TimeSpan preceding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(preceding, TimeSpan.Zero);
        return new OverWindow(isRange: true, (long)preceding.TotalMilliseconds);
    }

    /// <summary><c>ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW</c>: every row of the key up to this one.</summary>
    public static OverWindow UnboundedRows() => new(isRange: false, -1);

    /// <summary>
    /// <c>RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW</c>: every row of the key up to this one's timestamp,
    /// peers included.
    /// </summary>
    public static OverWindow UnboundedRange() => new(isRange: true, -1);

    public override string ToString() =>
        (IsRange, IsUnbounded) switch
        {
            (false, true) => "rows unbounded preceding",
            (true, true) => "range unbounded preceding",
            (false, false) => $"rows {Preceding} preceding",
            (true, false) => $"range {Preceding} ms preceding",
        };
}
