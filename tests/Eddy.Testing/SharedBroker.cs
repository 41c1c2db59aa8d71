namespace Eddy.Testing;

/// <summary>An in-process broker shared by the tests of a class (<c>IClassFixture&lt;SharedBroker&gt;</c>): started before the first, stopped after the last.</summary>
public sealed class SharedBroker : IAsyncLifetime
{
    private BrokerFixture? _broker;

    public string BootstrapServers => (_broker ?? throw new InvalidOperationException("not started")).BootstrapServers;

    async Task IAsyncLifetime.InitializeAsync() => _broker = await BrokerFixture.StartAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}
