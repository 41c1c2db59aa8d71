namespace Eddy.Storage.Producers;

/// <summary>Who writes a batch, which decides how much of its producer's state is checked (Kafka's AppendOrigin).</summary>
public enum AppendOrigin
{
    /// <summary>A producer: duplicates, epochs, sequences and transaction state are all checked.</summary>
    Client,

    /// <summary>
    /// The broker itself writing on a producer's behalf (transactional offset commits): only the epoch and the
    /// transaction state are checked, and a batch may carry no sequence (-1).
    /// </summary>
    Coordinator,
}
