using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Connectors;

/// <summary>
/// The <c>print</c> connector (a sink): each row printed to the worker's standard output (or error) in Flink's form
/// <c>+I[1, abc]</c>, prefixed <c>identifier&gt; </c> when <c>print-identifier</c> is set.
/// </summary>
internal sealed class PrintConnectorFactory : ConnectorFactory
{
    public static ConnectorOption PrintIdentifier { get; } = ConnectorOption.Text("print-identifier", null, "A prefix of every printed row ('id> ').");

    public static ConnectorOption StandardError { get; } = ConnectorOption.Boolean("standard-error", false, "Print to standard error instead of standard output.");

    public static ConnectorOption SinkParallelism { get; } = ConnectorOption.Int("sink.parallelism", null, "Accepted; the job's tasks print.");

    /// <inheritdoc/>
    public override string Identifier => "print";

    /// <inheritdoc/>
    public override bool IsSource => false;

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> RequiredOptions(CatalogTable table) => [];

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> OptionalOptions(CatalogTable table) => [PrintIdentifier, StandardError, SinkParallelism];
}
