using System.Net;
using System.Text;
using Confluent.SchemaRegistry;
using Eddy.Registry.Hosting;
using Eddy.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using static Eddy.Registry.Tests.Schemas;

namespace Eddy.Registry.Tests;

/// <summary>
/// Hosting the registry: mapped into any ASP.NET Core app (AddSchemaRegistry + MapSchemaRegistry), as a hosted
/// service of a generic host, and on its own Kestrel endpoint (SchemaRegistryHost, what eddy up runs).
/// </summary>
public class HostingTests
{
    private static readonly string User = Record("User", Field("name", "\"string\""));

    private static string BaseUrl(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return address.TrimEnd('/');
    }

    private static async Task<WebApplication> StartAppAsync(BrokerFixture broker, string topic, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSchemaRegistry(RegistryFixture.Options(broker, topic));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task A_web_application_serves_the_registry_under_a_prefix_beside_its_own_endpoints()
    {
        await using var broker = await BrokerFixture.StartAsync();
        await using var app = await StartAppAsync(broker, "_app_schemas", app =>
        {
            app.MapGet("/healthz", () => "healthy");
            app.MapSchemaRegistry("/schemas");
        });
        var url = BaseUrl(app);

        using (var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = url + "/schemas" }))
        {
            var id = await client.RegisterSchemaAsync("users-value", new Schema(User, SchemaType.Avro));
            var stored = await client.GetSchemaAsync(id);
            Assert.Equal(User, stored.SchemaString);
            Assert.Equal([1], await client.GetSubjectVersionsAsync("users-value"));
        }

        using var http = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Equal("healthy", await http.GetStringAsync("/healthz"));
        Assert.Equal("[\"users-value\"]", await http.GetStringAsync("/schemas/subjects"));
        Assert.Equal("{}", await http.GetStringAsync("/schemas"));
        // Outside the prefix the registry does not answer: the app's own 404, with no registry error body.
        using var outside = await http.GetAsync("/subjects");
        Assert.Equal(HttpStatusCode.NotFound, outside.StatusCode);
        Assert.Equal("", await outside.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Under_a_prefix_paths_keep_their_encoding_and_errors_keep_their_confluent_bodies()
    {
        await using var broker = await BrokerFixture.StartAsync();
        await using var app = await StartAppAsync(broker, "_app_schemas", app => app.MapGroup("/api").MapSchemaRegistry("registry"));
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl(app)) };

        using var content = new StringContent(RegistryHost.SchemaBody(User), Encoding.UTF8, RegistryHost.ContentType);
        using var registered = await http.PostAsync("/api/registry/subjects/team%2Fusers/versions", content);
        Assert.Equal("{\"id\":1,\"version\":1,\"schema\":" + JsonString(User) + "}", await registered.Content.ReadAsStringAsync());
        Assert.Equal("[\"team/users\"]", await http.GetStringAsync("/api/registry/subjects?deleted=true"));

        using var missing = await http.GetAsync("/api/registry/subjects/nobody/versions/1");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(RegistryHost.ContentType, missing.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"error_code\":40401,\"message\":\"Subject 'nobody' not found.\"}", await missing.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_hosted_service_starts_the_registry_with_the_host_and_closes_it_when_the_host_stops()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSchemaRegistry(RegistryFixture.Options(broker, "_hosted_schemas"));
        using var host = builder.Build();
        var hosted = host.Services.GetRequiredService<SchemaRegistryHostedService>();
        Assert.Throws<InvalidOperationException>(() => hosted.Registry);

        await host.StartAsync();
        var registered = await hosted.Registry.RegisterAsync("orders-value", new SchemaRequest { Schema = User }, normalize: false, CancellationToken.None);
        Assert.Equal((1, 1), (registered.Id, registered.Version));

        await host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Throws<InvalidOperationException>(() => hosted.Registry);
        await Assert.ThrowsAsync<InvalidOperationException>(() => hosted.StartAsync(CancellationToken.None));

        // What the stopped registry wrote is in its topic: a new instance replays it.
        await using var again = await RegistryFixture.StartRegistryAsync(broker, "_hosted_schemas");
        Assert.Equal(User, again.Registry.GetVersion("orders-value", "latest", includeDeleted: false).Schema);
    }

    [Fact]
    public async Task The_standalone_host_stops_listening_when_disposed()
    {
        await using var broker = await BrokerFixture.StartAsync();
        var server = await RegistryFixture.StartRegistryAsync(broker);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("{}", await http.GetStringAsync("/"));

        await server.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetStringAsync("/"));
    }

    [Fact]
    public void Mapping_the_registry_without_adding_it_is_refused()
    {
        var app = WebApplication.CreateSlimBuilder().Build();
        var e = Assert.Throws<InvalidOperationException>(() => app.MapSchemaRegistry());
        Assert.Contains("AddSchemaRegistry", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_a_second_registry_to_the_same_services_is_refused()
    {
        var services = new ServiceCollection();
        var options = new RegistryOptions { KafkaConfig = new Dictionary<string, string> { ["bootstrap.servers"] = "127.0.0.1:1" } };
        services.AddSchemaRegistry(options);
        Assert.Throws<InvalidOperationException>(() => services.AddSchemaRegistry(options));
    }

    [Theory]
    [InlineData("/subjects/a%2Fb/versions?deleted=true", 0, "/subjects/a%2Fb/versions?deleted=true")]
    [InlineData("/schemas/subjects/a%2Fb/versions?deleted=true", 1, "/subjects/a%2Fb/versions?deleted=true")]
    [InlineData("/api/registry/config", 2, "/config")]
    [InlineData("/schemas", 1, "/")]
    [InlineData("/schemas/", 1, "/")]
    [InlineData("/schemas?x=1", 1, "/?x=1")]
    [InlineData("http://example.test:8081/schemas/mode?x=1", 1, "/mode?x=1")]
    public void The_registry_sees_the_raw_target_below_its_prefix(string target, int prefixSegments, string expected) =>
        Assert.Equal(expected, SchemaRegistryEndpoint.RelativeTarget(target, prefixSegments));
}
