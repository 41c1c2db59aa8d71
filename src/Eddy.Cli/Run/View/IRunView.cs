namespace Eddy.Cli.Run.View;

/// <summary>Shows a running job: a frame per interval, then a summary once it stopped.</summary>
internal interface IRunView
{
    Task ShowAsync(RunFrame frame, CancellationToken cancellationToken);

    Task SummarizeAsync(RunFrame frame, CancellationToken cancellationToken);
}
