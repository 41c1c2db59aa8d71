using Eddy.Sql.Planning.Logical;

namespace Eddy.Sql.Connectors;

/// <summary>The <c>blackhole</c> connector (a sink): every row is discarded.</summary>
internal sealed class BlackHoleConnectorFactory : ConnectorFactory
{
    /// <inheritdoc/>
    public override string Identifier => "blackhole";

    /// <inheritdoc/>
    public override bool IsSource => false;

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> RequiredOptions(CatalogTable table) => [];

    /// <inheritdoc/>
    public override IReadOnlyList<ConnectorOption> OptionalOptions(CatalogTable table) => [];
}
