#nullable disable
using System.Numerics;
using System.Reflection;
using MPI.Internal;

namespace MPI
{
    /// <summary>
    /// A reduction operation that combines two values into a third (MPI.NET's delegate). It must
    /// be associative; it need not be commutative: the collectives always combine in rank order,
    /// <c>x0 op x1 op … op x(n−1)</c>, with the lower rank's value as <paramref name="x"/>.
    /// </summary>
    public delegate T ReductionOperation<T>(T x, T y);

    /// <summary>
    /// The predefined reduction operations for values of type <typeparamref name="T"/>:
    /// <c>comm.Allreduce(x, Operation&lt;int&gt;.Add)</c>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Each property is a cached delegate, so it can be compared and reused like MPI.NET's. For
    /// the element types Hpc reduces natively (byte, sbyte, short, ushort, int, uint, long,
    /// ulong, nint, nuint, Half, float, double; bool for the logical operations) the collectives
    /// recognise the delegate and run Hpc's vectorized built-in (<see cref="Hpc.ReduceOp.Sum"/>, …)
    /// instead of calling it per element. Any other type works through its operators:
    /// <c>+</c> (<c>op_Addition</c> or <see cref="IAdditionOperators{TSelf, TOther, TResult}"/>),
    /// <c>*</c>, <c>&lt;</c>, <c>&amp;</c>, <c>|</c>, <c>^</c>; <see cref="Add"/> on string concatenates.
    /// A type without the needed operator raises <see cref="ArgumentException"/> when the property
    /// is read.
    /// </para>
    /// <para>
    /// Differences from MPI.NET: <see cref="LogicalAnd"/> and <see cref="LogicalOr"/> on integers
    /// return 1 or 0 (C's <c>&amp;&amp;</c>, what MPI_LAND computes) in the delegate as well as in
    /// the collectives; <see cref="Min"/>/<see cref="Max"/> on float and double propagate NaN in
    /// the collectives (Hpc's built-in).
    /// </para>
    /// </remarks>
    /// <typeparam name="T">The type of the values combined.</typeparam>
    public class Operation<T> : IDisposable
    {
        private static ReductionOperation<T> s_add, s_multiply, s_min, s_max;
        private static ReductionOperation<T> s_logicalAnd, s_logicalOr, s_bitwiseAnd, s_bitwiseOr, s_exclusiveOr;

        /// <summary>Wraps a reduction operation (MPI.NET creates an MPI_Op here; Hpc needs none).</summary>
        public Operation(ReductionOperation<T> op)
        {
            ArgumentNullException.ThrowIfNull(op);
            Delegate = op;
        }

        /// <summary>The wrapped reduction operation.</summary>
        public ReductionOperation<T> Delegate { get; }

        /// <summary>
        /// Accepted for MPI.NET compatibility and otherwise unused: MPI.NET chose here between
        /// run-time generated and marshalled native MPI operations for user reductions; Hpc runs every
        /// <see cref="ReductionOperation{T}"/> as a managed delegate inside its own algorithms, so
        /// there is nothing to choose. Default true, as in MPI.NET.
        /// </summary>
        public static bool UseGeneratedUserOps = true;

        /// <summary>
        /// The Hpc operation the collectives run for <see cref="Delegate"/>: a built-in when the
        /// delegate is one of this class's properties and Hpc reduces <typeparamref name="T"/>
        /// natively, otherwise null (the delegate itself is used, in rank order).
        /// </summary>
        public Hpc.ReduceOp Op => OperationMap<T>.Builtin(Delegate);

        /// <summary>Nothing to release; kept for MPI.NET source compatibility.</summary>
        public void Dispose() => GC.SuppressFinalize(this);

        /// <summary>Minimum of two values (MPI_MIN): <c>x &lt; y ? x : y</c>.</summary>
        public static ReductionOperation<T> Min => Cached(ref s_min, OperationFactory<T>.Min);

        /// <summary>Maximum of two values (MPI_MAX): <c>x &lt; y ? y : x</c>.</summary>
        public static ReductionOperation<T> Max => Cached(ref s_max, OperationFactory<T>.Max);

        /// <summary>Sum of two values (MPI_SUM); concatenation for string.</summary>
        public static ReductionOperation<T> Add => Cached(ref s_add, OperationFactory<T>.Add);

        /// <summary>Product of two values (MPI_PROD).</summary>
        public static ReductionOperation<T> Multiply => Cached(ref s_multiply, OperationFactory<T>.Multiply);

        /// <summary>Logical and (MPI_LAND) of bools, or of integers as in C (non-zero is true; the result is 1 or 0).</summary>
        public static ReductionOperation<T> LogicalAnd => Cached(ref s_logicalAnd, OperationFactory<T>.LogicalAnd);

        /// <summary>Logical or (MPI_LOR) of bools, or of integers as in C (non-zero is true; the result is 1 or 0).</summary>
        public static ReductionOperation<T> LogicalOr => Cached(ref s_logicalOr, OperationFactory<T>.LogicalOr);

        /// <summary>Bitwise and (MPI_BAND).</summary>
        public static ReductionOperation<T> BitwiseAnd => Cached(ref s_bitwiseAnd, OperationFactory<T>.BitwiseAnd);

        /// <summary>Bitwise or (MPI_BOR).</summary>
        public static ReductionOperation<T> BitwiseOr => Cached(ref s_bitwiseOr, OperationFactory<T>.BitwiseOr);

        /// <summary>Bitwise exclusive or (MPI_BXOR).</summary>
        public static ReductionOperation<T> ExclusiveOr => Cached(ref s_exclusiveOr, OperationFactory<T>.ExclusiveOr);

        /// <summary>
        /// The delegate stored first wins, so every caller gets the same instance (the collectives
        /// recognise the built-ins by reference).
        /// </summary>
        private static ReductionOperation<T> Cached(ref ReductionOperation<T> field, Func<ReductionOperation<T>> create) =>
            Volatile.Read(ref field) ?? Interlocked.CompareExchange(ref field, create(), null) ?? field;

        /// <summary>Which predefined operation <paramref name="op"/> is, if any (compared by reference with the cached delegates).</summary>
        internal static BuiltinKind? KindOf(ReductionOperation<T> op)
        {
            if (op is null)
                return null;
            if (ReferenceEquals(op, s_add)) return BuiltinKind.Add;
            if (ReferenceEquals(op, s_multiply)) return BuiltinKind.Multiply;
            if (ReferenceEquals(op, s_min)) return BuiltinKind.Min;
            if (ReferenceEquals(op, s_max)) return BuiltinKind.Max;
            if (ReferenceEquals(op, s_logicalAnd)) return BuiltinKind.LogicalAnd;
            if (ReferenceEquals(op, s_logicalOr)) return BuiltinKind.LogicalOr;
            if (ReferenceEquals(op, s_bitwiseAnd)) return BuiltinKind.BitwiseAnd;
            if (ReferenceEquals(op, s_bitwiseOr)) return BuiltinKind.BitwiseOr;
            if (ReferenceEquals(op, s_exclusiveOr)) return BuiltinKind.ExclusiveOr;
            return null;
        }
    }
}
