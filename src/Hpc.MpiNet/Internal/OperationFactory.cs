using System.Numerics;
using System.Reflection;

namespace MPI.Internal;

/// <summary>The predefined operations of <see cref="Operation{T}"/>.</summary>
internal enum BuiltinKind
{
    Add,
    Multiply,
    Min,
    Max,
    LogicalAnd,
    LogicalOr,
    BitwiseAnd,
    BitwiseOr,
    ExclusiveOr,
}

/// <summary>
/// Builds the delegates behind <see cref="Operation{T}"/> for any T: through the generic-math
/// interfaces when T implements them (all primitives, decimal, BigInteger, …), else through the
/// type's operator method (op_Addition, …), else a clear <see cref="ArgumentException"/>.
/// </summary>
internal static class OperationFactory<T>
{
    private static readonly Type s_type = typeof(T);

    public static ReductionOperation<T> Add()
    {
        if (s_type == typeof(string))
            return (ReductionOperation<T>)(object)new ReductionOperation<string>(string.Concat);
        return FromInterface(typeof(IAdditionOperators<,,>), nameof(GenericMath.Add))
            ?? FromOperator("op_Addition")
            ?? throw Undefined("Add", "a + operator");
    }

    public static ReductionOperation<T> Multiply() =>
        FromInterface(typeof(IMultiplyOperators<,,>), nameof(GenericMath.Multiply))
        ?? FromOperator("op_Multiply")
        ?? throw Undefined("Multiply", "a * operator");

    public static ReductionOperation<T> Min() => Compare(min: true);

    public static ReductionOperation<T> Max() => Compare(min: false);

    public static ReductionOperation<T> LogicalAnd()
    {
        if (s_type == typeof(bool))
            return (ReductionOperation<T>)(object)new ReductionOperation<bool>(static (x, y) => x && y);
        return FromGeneric(IsBinaryInteger, nameof(GenericMath.LogicalAnd))
            ?? FromOperator("op_LogicalAnd")
            ?? throw Undefined("LogicalAnd", "bool or an integer type");
    }

    public static ReductionOperation<T> LogicalOr()
    {
        if (s_type == typeof(bool))
            return (ReductionOperation<T>)(object)new ReductionOperation<bool>(static (x, y) => x || y);
        return FromGeneric(IsBinaryInteger, nameof(GenericMath.LogicalOr))
            ?? FromOperator("op_LogicalOr")
            ?? throw Undefined("LogicalOr", "bool or an integer type");
    }

    public static ReductionOperation<T> BitwiseAnd()
    {
        if (s_type == typeof(bool))
            return (ReductionOperation<T>)(object)new ReductionOperation<bool>(static (x, y) => x & y);
        return FromInterface(typeof(IBitwiseOperators<,,>), nameof(GenericMath.BitwiseAnd))
            ?? FromOperator("op_BitwiseAnd")
            ?? throw Undefined("BitwiseAnd", "a & operator");
    }

    public static ReductionOperation<T> BitwiseOr()
    {
        if (s_type == typeof(bool))
            return (ReductionOperation<T>)(object)new ReductionOperation<bool>(static (x, y) => x | y);
        return FromInterface(typeof(IBitwiseOperators<,,>), nameof(GenericMath.BitwiseOr))
            ?? FromOperator("op_BitwiseOr")
            ?? throw Undefined("BitwiseOr", "a | operator");
    }

    public static ReductionOperation<T> ExclusiveOr()
    {
        if (s_type == typeof(bool))
            return (ReductionOperation<T>)(object)new ReductionOperation<bool>(static (x, y) => x ^ y);
        return FromInterface(typeof(IBitwiseOperators<,,>), nameof(GenericMath.ExclusiveOr))
            ?? FromOperator("op_ExclusiveOr")
            ?? throw Undefined("ExclusiveOr", "a ^ operator");
    }

    private static ReductionOperation<T> Compare(bool min)
    {
        string name = min ? nameof(GenericMath.Min) : nameof(GenericMath.Max);
        if (s_type == typeof(string))
        {
            ReductionOperation<string> op = min
                ? static (x, y) => string.CompareOrdinal(x, y) < 0 ? x : y
                : static (x, y) => string.CompareOrdinal(x, y) < 0 ? y : x;
            return (ReductionOperation<T>)(object)op;
        }
        ReductionOperation<T>? generic = FromGeneric(
            t => Implements(t, typeof(IComparisonOperators<,,>), t, t, typeof(bool)), name);
        if (generic is not null)
            return generic;
        MethodInfo? lessThan = s_type.GetMethod("op_LessThan", BindingFlags.Public | BindingFlags.Static, [s_type, s_type]);
        if (lessThan is not null && lessThan.ReturnType == typeof(bool))
        {
            var less = lessThan.CreateDelegate<Func<T, T, bool>>();
            return min ? (x, y) => less(x, y) ? x : y : (x, y) => less(x, y) ? y : x;
        }
        if (typeof(IComparable<T>).IsAssignableFrom(s_type))
        {
            Comparer<T> comparer = Comparer<T>.Default;
            return min ? (x, y) => comparer.Compare(x, y) < 0 ? x : y : (x, y) => comparer.Compare(x, y) < 0 ? y : x;
        }
        throw Undefined(min ? "Min" : "Max", "a < operator or IComparable<T>");
    }

    private static ReductionOperation<T>? FromInterface(Type openInterface, string method) =>
        FromGeneric(t => Implements(t, openInterface, t, t, t), method);

    private static ReductionOperation<T>? FromGeneric(Func<Type, bool> applies, string method)
    {
        if (!applies(s_type))
            return null;
        MethodInfo generic = typeof(GenericMath).GetMethod(method, BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(s_type);
        return generic.CreateDelegate<ReductionOperation<T>>();
    }

    private static ReductionOperation<T>? FromOperator(string name)
    {
        MethodInfo? method = s_type.GetMethod(name, BindingFlags.Public | BindingFlags.Static, [s_type, s_type]);
        return method is not null && method.ReturnType == s_type ? method.CreateDelegate<ReductionOperation<T>>() : null;
    }

    private static bool IsBinaryInteger(Type type) => Implements(type, typeof(IBinaryInteger<>), type);

    private static bool Implements(Type type, Type openInterface, params Type[] arguments) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == openInterface && i.GetGenericArguments().SequenceEqual(arguments));

    private static ArgumentException Undefined(string operation, string needs) =>
        new($"Operation<{TypeNames.Of(s_type)}>.{operation} is not defined: it needs {needs}. Pass your own ReductionOperation<{TypeNames.Of(s_type)}> delegate instead.");
}

/// <summary>The operations on generic-math types; instantiated per T by reflection (constraints are checked first).</summary>
internal static class GenericMath
{
    public static T Add<T>(T x, T y) where T : IAdditionOperators<T, T, T> => x + y;

    public static T Multiply<T>(T x, T y) where T : IMultiplyOperators<T, T, T> => x * y;

    public static T Min<T>(T x, T y) where T : IComparisonOperators<T, T, bool> => x < y ? x : y;

    public static T Max<T>(T x, T y) where T : IComparisonOperators<T, T, bool> => x < y ? y : x;

    public static T LogicalAnd<T>(T x, T y) where T : IBinaryInteger<T> => !T.IsZero(x) && !T.IsZero(y) ? T.One : T.Zero;

    public static T LogicalOr<T>(T x, T y) where T : IBinaryInteger<T> => !T.IsZero(x) || !T.IsZero(y) ? T.One : T.Zero;

    public static T BitwiseAnd<T>(T x, T y) where T : IBitwiseOperators<T, T, T> => x & y;

    public static T BitwiseOr<T>(T x, T y) where T : IBitwiseOperators<T, T, T> => x | y;

    public static T ExclusiveOr<T>(T x, T y) where T : IBitwiseOperators<T, T, T> => x ^ y;
}

/// <summary>Readable type names for messages: int, string, List&lt;double&gt;, Particle[] (shared with Hpc).</summary>
internal static class TypeNames
{
    public static string Of(Type type) => Hpc.Serialization.CSharpTypeNames.Of(type);
}
