using Eddy.Cli.Kafka;

namespace Eddy.Cli.Commands;

/// <summary><c>eddy groups list [--state [STATES]]</c>.</summary>
public sealed record GroupsListOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    /// <summary>--state: print the STATE column.</summary>
    public bool WithState { get; init; }

    /// <summary>--state's optional comma-separated filter (Stable,Empty,...); empty lists every state.</summary>
    public IReadOnlyList<string> States { get; init; } = [];
}

/// <summary>Which table <c>eddy groups describe</c> prints.</summary>
public enum GroupsView
{
    Offsets,
    Members,
    State,
}

/// <summary><c>eddy groups describe [GROUP...]</c>; no groups means all of them.</summary>
public sealed record GroupsDescribeOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public IReadOnlyList<string> Groups { get; init; } = [];

    public GroupsView View { get; init; } = GroupsView.Offsets;

    /// <summary>--verbose: the members view's ASSIGNMENT column.</summary>
    public bool Verbose { get; init; }

    public OutputFormat Output { get; init; } = OutputFormat.Text;
}

/// <summary><c>eddy groups reset-offsets --group G (--topic T[:p,...]... | --all-topics) SCENARIO [--dry-run | --execute]</c>.</summary>
public sealed record GroupsResetOffsetsOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public required string Group { get; init; }

    /// <summary>--topic arguments: <c>topic</c> or <c>topic:0,1</c>.</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    public bool AllTopics { get; init; }

    public bool ToEarliest { get; init; }

    public bool ToLatest { get; init; }

    /// <summary>--to-datetime: ISO 8601 (UTC unless a zone is given) or epoch milliseconds.</summary>
    public string? ToDatetime { get; init; }

    public long? ShiftBy { get; init; }

    public long? ToOffset { get; init; }

    public bool DryRun { get; init; }

    public bool Execute { get; init; }
}

/// <summary><c>eddy groups delete --group G...</c>.</summary>
public sealed record GroupsDeleteOptions
{
    public ClientSettings Client { get; init; } = ClientSettings.Default;

    public IReadOnlyList<string> Groups { get; init; } = [];
}
