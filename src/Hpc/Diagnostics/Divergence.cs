namespace Hpc.Diagnostics;

/// <summary>
/// Names the first place where the ranks of a hung job stopped agreeing, from what each rank
/// reported: per communicator, the collective most of its ranks are in, and every rank that is
/// elsewhere — in another collective at the same number, behind, ahead, in a point-to-point call,
/// or gone. E.g. <c>ranks 0-2,4-7 are in Allreduce #184 on world (1024 float, op sum); rank 3 is
/// in Broadcast #184 on world (1024 float, root 0)</c>.
/// </summary>
/// <remarks>
/// A pure function of the snapshots (mpirun's <c>--timeout</c> report and the rank-side
/// <c>--check</c> verdict use the same one), so every case is unit-tested without a job. Ranks
/// are world ranks throughout, as in the rest of mpirun's report. Sequence numbers count the
/// collectives started on a communicator (the first is #1), identically on every rank that
/// calls them in the same order; that is what makes "#184" comparable across ranks.
/// </remarks>
internal static class Divergence
{
    /// <summary>
    /// One sentence per communicator that some rank is in a collective on, divergent ones first,
    /// then (only when none diverges) the ones whose ranks all agree; empty when no rank is in a collective.
    /// </summary>
    public static IReadOnlyList<string> Describe(IReadOnlyList<RankSnapshot> ranks)
    {
        (List<string> divergent, List<string> agreeing) = Analyze(ranks);
        return divergent.Count > 0 ? divergent : agreeing;
    }

    /// <summary>Only the sentences of communicators whose ranks diverge; empty when every collective agrees.</summary>
    public static IReadOnlyList<string> Divergent(IReadOnlyList<RankSnapshot> ranks) => Analyze(ranks).Divergent;

    private static (List<string> Divergent, List<string> Agreeing) Analyze(IReadOnlyList<RankSnapshot> ranks)
    {
        var byRank = new Dictionary<int, RankSnapshot>();
        foreach (RankSnapshot rank in ranks)
            byRank[rank.Rank] = rank;

        // Every communicator some rank is in a collective on, with what its members said of it.
        var communicators = new Dictionary<string, CommunicatorSnapshot>(StringComparer.Ordinal);
        foreach (RankSnapshot rank in ranks)
        {
            foreach (CallSnapshot call in rank.Calls)
            {
                if (call.Collective is null || communicators.ContainsKey(call.CommunicatorKey))
                    continue;
                CommunicatorSnapshot? info = rank.Communicators.FirstOrDefault(c => c.Key == call.CommunicatorKey);
                if (info is not null)
                    communicators[call.CommunicatorKey] = info;
            }
        }

        var divergent = new List<string>();
        var agreeing = new List<string>();
        foreach (CommunicatorSnapshot communicator in communicators.Values
                     .OrderBy(c => c.Name == "world" ? 0 : 1).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            (string sentence, bool diverges) = DescribeCommunicator(communicator, byRank);
            (diverges ? divergent : agreeing).Add(sentence);
        }
        return (divergent, agreeing);
    }

    private static (string Sentence, bool Diverges) DescribeCommunicator(CommunicatorSnapshot communicator, Dictionary<int, RankSnapshot> byRank)
    {
        int[] members = RankRanges.Parse(communicator.Members);
        var positions = new Dictionary<int, Position>();
        foreach (int member in members)
            positions[member] = PositionOf(member, communicator.Key, byRank);

        // The reference: the sequence number most ranks are in (the lower on a tie), and there
        // the fingerprint most of them share (on a tie, the one of the lowest rank).
        var inCollective = positions.Where(p => p.Value.Call is not null).ToList();
        int referenceSequence = inCollective.GroupBy(p => p.Value.Call!.Sequence)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        IGrouping<CollectiveFingerprint, KeyValuePair<int, Position>> reference = inCollective
            .Where(p => p.Value.Call!.Sequence == referenceSequence)
            .GroupBy(p => p.Value.Call!.Collective!)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Min(p => p.Key)).First();
        CollectiveFingerprint fingerprint = reference.Key;
        int[] referenceRanks = [.. reference.Select(p => p.Key)];

        // Every other rank in words; ranks with the same words are named together.
        var others = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach ((int rank, Position position) in positions.OrderBy(p => p.Key))
        {
            if (referenceRanks.Contains(rank))
                continue;
            Func<bool, string>? words = Words(position, referenceSequence, communicator.Name);
            if (words is null)
                continue; // finished the reference collective: not part of the divergence
            string key = words(false);
            if (!others.TryGetValue(key, out List<int>? group))
            {
                others[key] = group = [];
                order.Add(key);
            }
            group.Add(rank);
        }

        string head = $"{RankRanges.Subject(referenceRanks)} {(referenceRanks.Length == 1 ? "is" : "are")} in "
            + $"{fingerprint.Kind} #{referenceSequence.ToString(CultureInfo.InvariantCulture)} on {communicator.Name}{fingerprint.Arguments}";
        if (order.Count == 0)
            return (head + (referenceRanks.Length == members.Length && members.Length > 1 ? $"; every rank of {communicator.Name} is in it" : ""), false);
        var parts = new List<string> { head };
        foreach (string key in order)
        {
            List<int> group = others[key];
            Func<bool, string> words = Words(positions[group[0]], referenceSequence, communicator.Name)!;
            parts.Add(RankRanges.Subject(group) + " " + words(group.Count > 1));
        }
        return (string.Join("; ", parts), true);
    }

    /// <summary>Where one member stands on the communicator.</summary>
    private sealed record Position(RankSnapshot? Rank, CallSnapshot? Call, CallSnapshot? OtherCall, int LastSequence);

    private static Position PositionOf(int member, string key, Dictionary<int, RankSnapshot> byRank)
    {
        if (!byRank.TryGetValue(member, out RankSnapshot? rank))
            return new Position(null, null, null, -1);
        CallSnapshot? call = rank.Calls.Where(c => c.Collective is not null && c.CommunicatorKey == key)
            .OrderBy(c => c.Sequence).FirstOrDefault();
        CallSnapshot? other = rank.Calls.FirstOrDefault(c => c != call);
        int last = rank.Communicators.FirstOrDefault(c => c.Key == key)?.Sequence ?? -1;
        return new Position(rank, call, other, last);
    }

    /// <summary>What a rank that is not in the reference call does, singular or plural; null when it is not divergent.</summary>
    private static Func<bool, string>? Words(Position position, int referenceSequence, string communicator)
    {
        string number = "#" + referenceSequence.ToString(CultureInfo.InvariantCulture);
        RankSnapshot? rank = position.Rank;
        if (rank is null)
            return plural => $"did not report";
        switch (rank.Condition)
        {
            case RankCondition.NoAnswer:
                return plural => "did not answer";
            case RankCondition.Exited:
                return plural => $"{(plural ? "have" : "has")} exited (code {rank.ExitCode.ToString(CultureInfo.InvariantCulture)})";
            case RankCondition.NotStarted:
                return plural => $"{(plural ? "were" : "was")} not started";
        }

        if (position.Call is { } call)
        {
            string where = call.Sequence == referenceSequence ? "" : call.Sequence < referenceSequence ? "still " : "already ";
            string what = $"{call.Collective!.Kind} #{call.Sequence.ToString(CultureInfo.InvariantCulture)}{call.Collective.Arguments}";
            return plural => $"{(plural ? "are" : "is")} {where}in {what}";
        }

        if (position.LastSequence >= referenceSequence)
            return null;
        // A rank that never drew this communicator's sequence number cannot say how far it got.
        bool known = position.LastSequence >= 0;
        string Reached(bool plural) => known
            ? $"{(plural ? "have" : "has")} not reached collective {number}"
            : $"{(plural ? "are" : "is")} not in collective {number}";
        if (position.OtherCall is { } elsewhere)
            return plural => $"{Reached(plural)}; {(plural ? "they are" : "it is")} in {elsewhere.Text}";
        if (rank.LastCall is { } last)
            return plural => $"{Reached(plural)}; {(plural ? "their" : "its")} last call was {last}";
        return plural => $"{Reached(plural)}; {(plural ? "they have" : "it has")} made no Hpc call";
    }
}
