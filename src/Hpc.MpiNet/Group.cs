#nullable disable
namespace MPI
{
    /// <summary>
    /// An ordered set of processes (MPI_Group): taken from a communicator
    /// (<see cref="Communicator.Group"/>), narrowed with <see cref="IncludeOnly"/> and
    /// <see cref="Exclude"/>, combined with <c>|</c> (union), <c>&amp;</c> (intersection) and
    /// <c>-</c> (difference), and turned into a communicator with <see cref="Communicator.Create"/>.
    /// Groups are local objects: building one never communicates.
    /// </summary>
    public class Group
    {
        /// <summary>The rank value of a process that is not in a group (MPI_UNDEFINED).</summary>
        public const int NoProcess = Hpc.Communicator.Undefined;

        /// <summary>The group with no processes (MPI_GROUP_EMPTY).</summary>
        public static Group empty = new([], -1);

        // World ranks of the members, in group-rank order, and the calling process's world rank.
        private readonly int[] _members;
        private readonly int _self;

        internal Group(int[] worldRanks, int selfWorldRank)
        {
            _members = worldRanks;
            _self = selfWorldRank;
        }

        internal ReadOnlySpan<int> WorldRanks => _members;

        /// <summary>Number of processes in the group.</summary>
        public int Size => _members.Length;

        /// <summary>The calling process's rank in the group, or <see cref="NoProcess"/> when it is not a member.</summary>
        public int Rank
        {
            get
            {
                int index = Array.IndexOf(_members, _self);
                return index < 0 ? NoProcess : index;
            }
        }

        /// <summary>Nothing to release; kept for MPI.NET source compatibility.</summary>
        public void Dispose() => GC.SuppressFinalize(this);

        /// <summary>The processes with the given ranks of this group, in that order (MPI_Group_incl).</summary>
        /// <exception cref="ArgumentException">A rank is outside the group or appears twice.</exception>
        public Group IncludeOnly(int[] ranks)
        {
            ArgumentNullException.ThrowIfNull(ranks);
            CheckRanks(ranks, nameof(ranks));
            return Make([.. ranks.Select(r => _members[r])], _self);
        }

        /// <summary>This group without the processes with the given ranks, in the remaining order (MPI_Group_excl).</summary>
        /// <exception cref="ArgumentException">A rank is outside the group or appears twice.</exception>
        public Group Exclude(int[] ranks)
        {
            ArgumentNullException.ThrowIfNull(ranks);
            CheckRanks(ranks, nameof(ranks));
            var excluded = new HashSet<int>(ranks);
            return Make([.. _members.Where((_, r) => !excluded.Contains(r))], _self);
        }

        /// <summary>
        /// The ranks in <paramref name="other"/> of the processes with the given ranks here
        /// (MPI_Group_translate_ranks); <see cref="NoProcess"/> for a process not in <paramref name="other"/>.
        /// </summary>
        public int[] TranslateRanks(int[] ranks, Group other)
        {
            ArgumentNullException.ThrowIfNull(ranks);
            ArgumentNullException.ThrowIfNull(other);
            var result = new int[ranks.Length];
            for (int i = 0; i < ranks.Length; i++)
            {
                if ((uint)ranks[i] >= (uint)_members.Length)
                    throw new ArgumentException($"rank {ranks[i]} is outside the group of {_members.Length} processes", nameof(ranks));
                int index = Array.IndexOf(other._members, _members[ranks[i]]);
                result[i] = index < 0 ? NoProcess : index;
            }
            return result;
        }

        /// <summary>
        /// <see cref="Comparison.Identical"/> for the same processes in the same order,
        /// <see cref="Comparison.Similar"/> for the same processes in another order, otherwise
        /// <see cref="Comparison.Unequal"/> (MPI_Group_compare).
        /// </summary>
        public Comparison Compare(Group other)
        {
            ArgumentNullException.ThrowIfNull(other);
            return CompareMembers(_members, other._members, Comparison.Identical);
        }

        /// <summary>Union (MPI_Group_union): the processes of <paramref name="group1"/>, then those only in <paramref name="group2"/>.</summary>
        public static Group operator |(Group group1, Group group2)
        {
            ArgumentNullException.ThrowIfNull(group1);
            ArgumentNullException.ThrowIfNull(group2);
            return Make([.. group1._members, .. group2._members.Where(m => !group1._members.Contains(m))], Self(group1, group2));
        }

        /// <summary>Intersection (MPI_Group_intersection): the processes of <paramref name="group1"/> also in <paramref name="group2"/>, in <paramref name="group1"/>'s order.</summary>
        public static Group operator &(Group group1, Group group2)
        {
            ArgumentNullException.ThrowIfNull(group1);
            ArgumentNullException.ThrowIfNull(group2);
            return Make([.. group1._members.Where(m => group2._members.Contains(m))], Self(group1, group2));
        }

        /// <summary>Difference (MPI_Group_difference): the processes of <paramref name="group1"/> not in <paramref name="group2"/>, in <paramref name="group1"/>'s order.</summary>
        public static Group operator -(Group group1, Group group2)
        {
            ArgumentNullException.ThrowIfNull(group1);
            ArgumentNullException.ThrowIfNull(group2);
            return Make([.. group1._members.Where(m => !group2._members.Contains(m))], Self(group1, group2));
        }

        /// <summary>Same as the <c>|</c> operator.</summary>
        public static Group Union(Group group1, Group group2) => group1 | group2;

        /// <summary>Same as the <c>&amp;</c> operator.</summary>
        public static Group Intersection(Group group1, Group group2) => group1 & group2;

        /// <summary>Same as the <c>-</c> operator.</summary>
        public static Group Difference(Group group1, Group group2) => group1 - group2;

        /// <inheritdoc />
        public override string ToString() => $"Group[{string.Join(", ", _members)}] (world ranks)";

        internal static Comparison CompareMembers(int[] a, int[] b, Comparison sameOrder)
        {
            if (a.AsSpan().SequenceEqual(b))
                return sameOrder;
            if (a.Length == b.Length && a.Order().SequenceEqual(b.Order()))
                return Comparison.Similar;
            return Comparison.Unequal;
        }

        private static Group Make(int[] members, int self) => members.Length == 0 ? empty : new Group(members, self);

        private static int Self(Group group1, Group group2) => group1._self >= 0 ? group1._self : group2._self;

        private void CheckRanks(int[] ranks, string parameter)
        {
            var seen = new HashSet<int>();
            foreach (int rank in ranks)
            {
                if ((uint)rank >= (uint)_members.Length)
                    throw new ArgumentException($"rank {rank} is outside the group of {_members.Length} processes", parameter);
                if (!seen.Add(rank))
                    throw new ArgumentException($"rank {rank} appears twice", parameter);
            }
        }
    }
}
