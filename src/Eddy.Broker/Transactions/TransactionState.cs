namespace Eddy.Broker.Transactions;

/// <summary>
/// The states of a transactional id, with Kafka's ids (they are what the transaction log stores and what
/// DescribeTransactions and ListTransactions report by name).
/// </summary>
public enum TransactionState : sbyte
{
    /// <summary>No transaction open.</summary>
    Empty = 0,

    /// <summary>Partitions or offsets were added; the transaction is open.</summary>
    Ongoing = 1,

    /// <summary>Commit decided (durable); markers being written.</summary>
    PrepareCommit = 2,

    /// <summary>Abort decided (durable); markers being written.</summary>
    PrepareAbort = 3,

    CompleteCommit = 4,

    CompleteAbort = 5,

    /// <summary>The transactional id expired and is forgotten.</summary>
    Dead = 6,

    /// <summary>A new producer instance fenced the open transaction, which is being aborted.</summary>
    PrepareEpochFence = 7,
}

internal static class TransactionStateNames
{
    /// <summary>The names Kafka's tools print and ListTransactions filters on.</summary>
    public static string Name(this TransactionState state) => state switch
    {
        TransactionState.Empty => "Empty",
        TransactionState.Ongoing => "Ongoing",
        TransactionState.PrepareCommit => "PrepareCommit",
        TransactionState.PrepareAbort => "PrepareAbort",
        TransactionState.CompleteCommit => "CompleteCommit",
        TransactionState.CompleteAbort => "CompleteAbort",
        TransactionState.Dead => "Dead",
        TransactionState.PrepareEpochFence => "PrepareEpochFence",
        _ => state.ToString(),
    };
}
