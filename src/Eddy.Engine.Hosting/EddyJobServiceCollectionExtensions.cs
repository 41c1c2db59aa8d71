using Eddy.Engine.Kafka;
using Eddy.Engine.Plan;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Eddy.Engine.Hosting;

/// <summary>Registers stream jobs with a .NET generic host.</summary>
public static class EddyJobServiceCollectionExtensions
{
    /// <summary>Runs <paramref name="plan"/> as a hosted service with <paramref name="options"/> (see <see cref="JobWorkerService"/>).</summary>
    public static IServiceCollection AddEddyJob(this IServiceCollection services, JobPlan plan, JobWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        return services.AddEddyJob(_ => plan, _ => options);
    }

    /// <summary>
    /// Runs the job <paramref name="plan"/> builds as a hosted service, with the options <paramref name="options"/>
    /// builds; both are called when the host resolves its hosted services (so they may read configuration and other
    /// services). Several jobs may be added: each is its own hosted service.
    /// </summary>
    public static IServiceCollection AddEddyJob(this IServiceCollection services, Func<IServiceProvider, JobPlan> plan,
        Func<IServiceProvider, JobWorkerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        // AddSingleton rather than AddHostedService: the latter keeps one registration per implementation type, and
        // every job's service has the same type.
        services.AddSingleton<IHostedService>(provider => new JobWorkerService(
            plan(provider),
            options(provider),
            provider.GetRequiredService<IHostApplicationLifetime>(),
            provider.GetRequiredService<ILogger<JobWorkerService>>()));
        return services;
    }
}
