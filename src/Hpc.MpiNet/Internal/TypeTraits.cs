using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace MPI.Internal;

/// <summary>
/// How a type travels. MPI.NET's methods are generic in T without constraints; at run time each
/// call takes one of two paths, decided once per type:
/// <list type="bullet">
/// <item>unmanaged (a primitive, an enum, a struct of them: no references anywhere inside): its
/// raw bytes go straight through Hpc's typed point-to-point calls and collectives, exactly as
/// MPI.NET used an MPI datatype;</item>
/// <item>everything else (string, classes, arrays of them, structs holding references,
/// <c>Nullable&lt;T&gt;</c>): serialized by <see cref="ISerializer"/> (System.Text.Json by
/// default, never BinaryFormatter) and sent as bytes.</item>
/// </list>
/// </summary>
internal static class TypeTraits<T>
{
    /// <summary>True when <typeparamref name="T"/> travels as raw bytes.</summary>
    public static readonly bool IsUnmanaged =
        typeof(T).IsValueType && !RuntimeHelpers.IsReferenceOrContainsReferences<T>() && Nullable.GetUnderlyingType(typeof(T)) is null;
}

/// <summary>The same decision for a <see cref="Type"/> known only at run time (Status.Count(Type)).</summary>
internal static class RuntimeTypeTraits
{
    private static readonly ConcurrentDictionary<Type, int> s_sizes = new();
    private static readonly MethodInfo s_sizeOf = typeof(RuntimeTypeTraits).GetMethod(nameof(SizeOf), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Size in bytes of one element of an unmanaged type, or null for a serialized type.</summary>
    public static int? UnmanagedSize(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (type.IsByRef || type.IsPointer || type.ContainsGenericParameters)
            return null;
        int size = s_sizes.GetOrAdd(type, static t => (int)s_sizeOf.MakeGenericMethod(t).Invoke(null, null)!);
        return size > 0 ? size : null;
    }

    private static int SizeOf<T>() => TypeTraits<T>.IsUnmanaged ? System.Runtime.CompilerServices.Unsafe.SizeOf<T>() : 0;
}
