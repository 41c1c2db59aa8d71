using Confluent.Kafka;
using Eddy.Broker.Configuration;
using Eddy.Cli.Kafka;
using Eddy.Protocol.Client;

namespace Eddy.Cli.Commands;

/// <summary>
/// Runs a verb's body and turns expected failures into <c>error: ...</c> lines and exit codes; only bugs escape with
/// a stack trace.
/// </summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(TextWriter stderr, Func<Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body();
        }
        catch (CliException e)
        {
            await Error(stderr, e.Message);
            return e.ExitCode;
        }
        catch (KafkaClientException e)
        {
            var error = ProtocolClientFactory.ToCliException(e);
            await Error(stderr, error.Message);
            return error.ExitCode;
        }
        catch (ConfigException e)
        {
            await Error(stderr, e.Message);
            return ExitCodes.Usage;
        }
        catch (KafkaException e)
        {
            foreach (var line in KafkaErrors.Describe(e))
            {
                await Error(stderr, line);
            }
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Error(stderr, "interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Error(stderr, e.Message);
            return ExitCodes.Failure;
        }
    }

    public static async Task Error(TextWriter stderr, string message)
    {
        await stderr.WriteAsync($"error: {message}\n");
        await stderr.FlushAsync();
    }
}
