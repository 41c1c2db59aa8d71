namespace Eddy.Sql.Catalog;

/// <summary>
/// A store opened when a session first needs its definitions: the first catch-up (which a DDL, a SHOW and
/// <see cref="SqlCatalog.SyncAsync"/> begin with) or write opens it, so a session that only SETs options never
/// reaches Kafka (and a client starts its cluster only when a statement needs it). A failed opening is tried again
/// by the next statement. Until it is open, nothing is known: <see cref="Find"/> answers null.
/// </summary>
internal sealed class DeferredCatalogStore(Func<CancellationToken, Task<ICatalogStore>> open) : ICatalogStore
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private volatile ICatalogStore? _store;

    public StoredDefinition? Find(CatalogKey key) => _store?.Find(key);

    public IReadOnlyList<StoredDefinition> Definitions() => _store?.Definitions() ?? [];

    public async Task CatchUpAsync(CancellationToken cancellationToken) => await (await StoreAsync(cancellationToken)).CatchUpAsync(cancellationToken);

    public async Task PutAsync(StoredDefinition definition, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).PutAsync(definition, cancellationToken);

    public async Task RemoveAsync(CatalogKey key, CancellationToken cancellationToken) =>
        await (await StoreAsync(cancellationToken)).RemoveAsync(key, cancellationToken);

    private async Task<ICatalogStore> StoreAsync(CancellationToken cancellationToken)
    {
        if (_store is { } store)
            return store;
        await _opening.WaitAsync(cancellationToken);
        try
        {
            return _store ??= await open(cancellationToken);
        }
        finally
        {
            _opening.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is { } store)
            await store.DisposeAsync();
        _opening.Dispose();
    }
}
