namespace Eddy.Storage.Producers;

/// <summary>
/// An entry of a segment's aborted-transaction index (Kafka's AbortedTxn). <paramref name="LastStableOffset"/> is the
/// partition's LSO once the transaction ended: no transaction aborted later can have data below it, which lets a
/// search stop early.
/// </summary>
internal readonly record struct AbortedTxn(long ProducerId, long FirstOffset, long LastOffset, long LastStableOffset)
{
    public AbortedTransaction ToPublic() => new(ProducerId, FirstOffset, LastOffset);
}
