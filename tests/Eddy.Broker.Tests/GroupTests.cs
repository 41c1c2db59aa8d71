using Eddy.Broker.Groups;

namespace Eddy.Broker.Tests;

/// <summary>The classic group's state machine on its own: each transition from the states that allow it, and refused from the others.</summary>
public class GroupTests
{
    private const long T0 = 1_000_000;

    private static GroupMember Member(string id, string[]? protocols = null, int rebalanceTimeoutMs = 10_000, int sessionTimeoutMs = 6_000, string? instanceId = null) =>
        new(id, instanceId, "client", "/127.0.0.1")
        {
            ProtocolType = "consumer",
            Protocols = [.. (protocols ?? ["range"]).Select(p => (p, new byte[] { 1 }))],
            RebalanceTimeoutMs = rebalanceTimeoutMs,
            SessionTimeoutMs = sessionTimeoutMs,
            LastHeartbeat = T0,
        };

    // What JoinGroup leaves on a member: it waits for the join phase to end.
    private static void Rejoin(GroupMember member) =>
        member.PendingJoin = new TaskCompletionSource<JoinOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);

    // What the coordinator does once a join phase ended: the members' JoinGroup responses are sent.
    private static void AnswerJoins(Group group)
    {
        foreach (var m in group.Members.Values)
        {
            m.PendingJoin = null;
        }
    }

    private static Group StableGroup(params GroupMember[] members)
    {
        var group = new Group("g");
        foreach (var m in members)
        {
            group.AddMember(m, T0, initialRebalanceDelayMs: 0);
            Rejoin(m);
        }
        group.BeginRebalance(T0, 0);
        Assert.True(group.TryCompleteJoin(T0, deadlinePassed: false).Completed);
        AnswerJoins(group);
        group.AssignFromLeader([]);
        group.CompleteRebalance();
        return group;
    }

    [Fact]
    public void A_new_group_is_empty_and_its_first_member_leads_it_and_sets_its_protocol_type()
    {
        var group = new Group("g");
        Assert.Equal(GroupState.Empty, group.State);

        group.AddMember(Member("a"), T0, 0);
        group.AddMember(Member("b"), T0, 0);

        Assert.Equal("a", group.Leader);
        Assert.Equal("consumer", group.ProtocolType);
        Assert.Equal(["a", "b"], group.Members.Keys.Order());
    }

    [Fact]
    public void A_member_id_already_in_the_group_is_refused()
    {
        var group = new Group("g");
        group.AddMember(Member("a"), T0, 0);

        Assert.Throws<InvalidOperationException>(() => group.AddMember(Member("a"), T0, 0));
        Assert.Single(group.Members);
    }

    [Fact]
    public void A_rebalance_waits_for_the_longest_rebalance_timeout_and_one_under_way_is_not_restarted()
    {
        var group = new Group("g");
        group.AddMember(Member("a", rebalanceTimeoutMs: 5_000), T0, 0);
        group.AddMember(Member("b", rebalanceTimeoutMs: 20_000), T0, 0);

        Assert.True(group.BeginRebalance(T0, rebalanceTimeoutMs: 1_000));
        Assert.Equal(GroupState.PreparingRebalance, group.State);
        Assert.Equal(T0 + 20_000, group.JoinDeadline);

        Assert.False(group.BeginRebalance(T0 + 500, rebalanceTimeoutMs: 60_000));
        Assert.Equal(T0 + 20_000, group.JoinDeadline);
    }

    [Fact]
    public void The_join_phase_goes_on_while_a_member_has_not_rejoined_and_before_the_deadline()
    {
        var a = Member("a");
        var group = new Group("g");
        group.AddMember(a, T0, 0);
        group.AddMember(Member("b"), T0, 0);
        group.BeginRebalance(T0, 0);
        Rejoin(a);

        var completion = group.TryCompleteJoin(T0 + 1, deadlinePassed: false);

        Assert.False(completion.Completed);
        Assert.Empty(completion.Dropped);
        Assert.Equal(GroupState.PreparingRebalance, group.State);
        Assert.Equal(0, group.Generation);
    }

    [Fact]
    public void When_every_member_rejoined_the_group_picks_the_protocol_most_members_prefer_and_awaits_the_assignment()
    {
        var a = Member("a", ["roundrobin", "range"]);
        var b = Member("b", ["range", "roundrobin"]);
        var c = Member("c", ["range", "roundrobin", "sticky"]);
        var group = new Group("g");
        foreach (var m in new[] { a, b, c })
        {
            group.AddMember(m, T0, 0);
            m.LastHeartbeat = T0 - 5_000;
            Rejoin(m);
        }
        group.BeginRebalance(T0, 0);

        var completion = group.TryCompleteJoin(T0 + 7, deadlinePassed: false);

        Assert.True(completion.Completed);
        Assert.Equal(GroupState.CompletingRebalance, group.State);
        Assert.Equal(1, group.Generation);
        Assert.Equal("range", group.Protocol);
        Assert.Equal("a", group.Leader);
        Assert.All(group.Members.Values, m => Assert.Equal(T0 + 7, m.LastHeartbeat));
    }

    [Fact]
    public void At_the_deadline_members_that_did_not_rejoin_are_dropped_and_the_leadership_passes_on()
    {
        var a = Member("a");
        var b = Member("b");
        var group = new Group("g");
        group.AddMember(a, T0, 0);
        group.AddMember(b, T0, 0);
        group.BeginRebalance(T0, 0);
        Rejoin(b);

        var completion = group.TryCompleteJoin(T0 + 10_000, deadlinePassed: true);

        Assert.True(completion.Completed);
        Assert.Equal([a], completion.Dropped);
        Assert.Equal(["b"], group.Members.Keys);
        Assert.Equal("b", group.Leader);
        Assert.Equal(GroupState.CompletingRebalance, group.State);
    }

    [Fact]
    public void A_join_phase_that_ends_with_nobody_leaves_the_group_empty_at_a_new_generation()
    {
        var group = StableGroup(Member("a"));
        group.BeginRebalance(T0 + 1, 0);

        var completion = group.TryCompleteJoin(T0 + 20_000, deadlinePassed: true);

        Assert.True(completion.Completed);
        Assert.Equal(GroupState.Empty, group.State);
        Assert.Equal(2, group.Generation);
        Assert.Null(group.Leader);
        Assert.Null(group.Protocol);
        Assert.Equal(T0 + 20_000, group.EmptySince);
    }

    [Fact]
    public void A_filling_group_waits_for_the_initial_delay_which_each_new_member_extends_up_to_the_deadline()
    {
        var a = Member("a", rebalanceTimeoutMs: 5_000);
        var b = Member("b", rebalanceTimeoutMs: 5_000);
        var group = new Group("g");
        group.AddMember(a, T0, initialRebalanceDelayMs: 3_000);
        Rejoin(a);
        group.BeginRebalance(T0, a.RebalanceTimeoutMs);
        Assert.Equal(T0 + 3_000, group.InitialDelayUntil);

        group.AddMember(b, T0 + 2_500, initialRebalanceDelayMs: 3_000);
        Rejoin(b);
        Assert.Equal(T0 + 5_000, group.InitialDelayUntil);

        Assert.False(group.TryCompleteJoin(T0 + 4_999, deadlinePassed: false).Completed);
        Assert.True(group.TryCompleteJoin(T0 + 5_000, deadlinePassed: false).Completed);
        Assert.Equal(0, group.InitialDelayUntil);
    }

    [Fact]
    public void The_join_phase_cannot_be_completed_when_none_is_under_way()
    {
        var group = StableGroup(Member("a"));

        Assert.Throws<InvalidOperationException>(() => group.TryCompleteJoin(T0, deadlinePassed: true));
        Assert.Equal(GroupState.Stable, group.State);
        Assert.Equal(1, group.Generation);
    }

    [Fact]
    public void The_leaders_assignment_makes_the_group_stable_and_members_it_leaves_out_get_none()
    {
        var a = Member("a");
        var b = Member("b");
        var group = new Group("g");
        foreach (var m in new[] { a, b })
        {
            group.AddMember(m, T0, 0);
            m.Assignment = [9];
            Rejoin(m);
        }
        group.BeginRebalance(T0, 0);
        group.TryCompleteJoin(T0, deadlinePassed: false);

        group.AssignFromLeader([("a", [1, 2]), ("unknown", [3])]);
        group.CompleteRebalance();

        Assert.Equal(GroupState.Stable, group.State);
        Assert.Equal([1, 2], a.Assignment);
        Assert.Empty(b.Assignment);
    }

    [Fact]
    public void An_assignment_is_refused_unless_the_group_awaits_one()
    {
        var group = new Group("g");
        group.AddMember(Member("a"), T0, 0);
        Assert.Throws<InvalidOperationException>(() => group.AssignFromLeader([("a", [1])]));
        Assert.Throws<InvalidOperationException>(group.CompleteRebalance);

        group.BeginRebalance(T0, 0);
        Assert.Throws<InvalidOperationException>(group.CompleteRebalance);
        Assert.Equal(GroupState.PreparingRebalance, group.State);
    }

    [Fact]
    public void Removing_the_leader_passes_the_leadership_and_removing_the_last_member_empties_the_group_at_a_new_generation()
    {
        var a = Member("a");
        var b = Member("b");
        var group = StableGroup(a, b);

        group.RemoveMember(a, T0 + 1);
        Assert.Equal("b", group.Leader);
        Assert.Equal(GroupState.Stable, group.State);

        group.RemoveMember(b, T0 + 2);
        Assert.Equal(GroupState.Empty, group.State);
        Assert.Null(group.Leader);
        Assert.Null(group.Protocol);
        Assert.Equal(2, group.Generation);
        Assert.Equal(T0 + 2, group.EmptySince);
    }

    [Fact]
    public void Removing_a_member_that_is_not_in_the_group_is_refused()
    {
        var group = StableGroup(Member("a"));

        Assert.Throws<InvalidOperationException>(() => group.RemoveMember(Member("a"), T0));
        Assert.Throws<InvalidOperationException>(() => group.RemoveMember(Member("x"), T0));
        Assert.Single(group.Members);
    }

    [Fact]
    public void A_returning_static_member_takes_over_its_place_and_leadership_under_a_new_id()
    {
        var old = Member("old", instanceId: "i1");
        var group = StableGroup(old, Member("b"));

        group.ReplaceStaticMember(old, "new");

        Assert.Equal("new", old.MemberId);
        Assert.Equal(["b", "new"], group.Members.Keys.Order());
        Assert.Equal("new", group.Leader);
        Assert.Same(old, group.FindByInstance("i1"));
        Assert.Throws<InvalidOperationException>(() => group.ReplaceStaticMember(group.Members["b"], "other"));
    }

    [Fact]
    public void A_member_waiting_in_JoinGroup_has_no_session_to_expire()
    {
        var a = Member("a", sessionTimeoutMs: 1_000);
        var group = StableGroup(a, Member("b", sessionTimeoutMs: 1_000));
        group.Members["b"].LastHeartbeat = T0 + 5_000;

        Assert.True(group.HasSessionExpired(a, T0 + 1_001));
        Assert.False(group.HasSessionExpired(a, T0 + 1_000));
        Assert.False(group.HasSessionExpired(group.Members["b"], T0 + 1_001));
        Rejoin(a);
        Assert.False(group.HasSessionExpired(a, T0 + 60_000));
        Assert.False(group.HasSessionExpired(Member("x"), T0 + 60_000));
    }

    [Fact]
    public void Only_an_empty_group_can_die_and_a_dead_group_takes_no_member_and_no_rebalance()
    {
        var a = Member("a");
        var group = StableGroup(a);
        Assert.Throws<InvalidOperationException>(group.MarkDead);
        Assert.Equal(GroupState.Stable, group.State);

        group.RemoveMember(a, T0);
        group.MarkDead();

        Assert.Equal(GroupState.Dead, group.State);
        Assert.Throws<InvalidOperationException>(() => group.AddMember(Member("b"), T0, 0));
        Assert.Throws<InvalidOperationException>(() => group.BeginRebalance(T0, 0));
        Assert.Empty(group.Members);
    }

    [Fact]
    public void A_stored_group_with_members_comes_back_stable_and_one_without_comes_back_empty()
    {
        var stored = new StoredGroup("consumer", 7, "range", "m1", T0 - 100, [new StoredMember("m1", "i1", "c", "h", 30_000, 10_000, [1], [2])]);

        var group = Group.Restore("g", stored, T0);
        var empty = Group.Restore("e", stored with { Members = [], Leader = null, Protocol = null }, T0);

        Assert.Equal(GroupState.Stable, group.State);
        Assert.Equal(7, group.Generation);
        Assert.Equal("m1", group.Leader);
        Assert.Equal(T0, group.Members["m1"].LastHeartbeat);
        Assert.Equal([2], group.Members["m1"].Assignment);
        Assert.Equal(GroupState.Empty, empty.State);
        Assert.Equal(T0 - 100, empty.EmptySince);
    }
}
