using System.Reflection;
using Hpc.Serialization;

namespace Hpc.Tasks;

/// <summary>
/// A task's work as every rank can find it: the assembly, the module's version id and the
/// method's metadata token. All ranks run the same program, so this identity is all that travels,
/// never code and never a captured object (as mpi4py pickles a function by its qualified name).
/// </summary>
internal sealed class TaskFunction
{
    private TaskFunction(MethodInfo method, int id)
    {
        Method = method;
        Id = id;
    }

    public MethodInfo Method { get; }

    /// <summary>The pool's number for this function, sent in every chunk after one Define.</summary>
    public int Id { get; }

    /// <summary>
    /// The identity of <paramref name="function"/>, or an <see cref="ArgumentException"/> that says
    /// why it cannot run on another rank and what to write instead.
    /// </summary>
    public static TaskFunction Describe(Delegate function, int id, string call)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (function.HasSingleTarget is false)
            throw Refuse(call, "is a multicast delegate (several methods combined with +=); pass one method");
        MethodInfo method = function.Method;
        if (method is not { DeclaringType: not null } || method.Module.Assembly.IsDynamic || method.GetType().Name.Contains("Dynamic", StringComparison.Ordinal))
            throw Refuse(call, "was generated at run time (a compiled expression or DynamicMethod), so other ranks cannot find it by name; pass a static method");
        string name = $"{CSharpTypeNames.Of(method.DeclaringType)}.{method.Name}";
        if (method.IsGenericMethod || method.DeclaringType.ContainsGenericParameters || method.DeclaringType.IsGenericType)
            throw Refuse(call, $"({name}) is generic or belongs to a generic type; wrap it in a non-generic static method");
        object? target = function.Target;
        if (target is not null && !IsStatelessLambdaHolder(target))
        {
            Type type = target.GetType();
            if (type.IsDefined(typeof(CompilerGeneratedAttribute)))
            {
                string captured = string.Join(", ", type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                    .Select(f => f.Name.Contains("__this", StringComparison.Ordinal) ? "this" : f.Name));
                throw Refuse(call,
                    $"is a lambda that captures state ({captured}). A task runs on another rank, which runs the same program but has " +
                    "none of this rank's variables, so only the method's identity is sent, never captured objects. Write a static " +
                    "method or a `static` lambda and pass what it needs as arguments (Starmap or Submit with several arguments), " +
                    "e.g. pool.Starmap(Scale, items.Select(x => (x, factor))) with static double Scale(double x, double factor)");
            }
            throw Refuse(call,
                $"({name}) is an instance method bound to a {CSharpTypeNames.Of(type)} object, which is not sent to other ranks; " +
                "make the method static and pass what it needs as arguments");
        }
        foreach (ParameterInfo parameter in method.GetParameters())
        {
            if (parameter.ParameterType.IsByRef || parameter.ParameterType.IsPointer || parameter.ParameterType.IsByRefLike)
                throw Refuse(call, $"({name}) has a ref, out, pointer or span parameter ({parameter.Name}); tasks take values");
        }
        if (method.ReturnType == typeof(void) || method.ReturnType.IsByRefLike || method.ReturnType.IsByRef)
            throw Refuse(call, $"({name}) returns no value; a task returns its result (return a bool or int if there is nothing else)");
        return new TaskFunction(method, id);
    }

    /// <summary>
    /// A lambda that captures nothing is compiled to an instance method of a compiler-generated
    /// singleton class (&lt;&gt;c, field &lt;&gt;9); every rank has that singleton, so it is allowed.
    /// </summary>
    private static bool IsStatelessLambdaHolder(object target)
    {
        Type type = target.GetType();
        return type.IsDefined(typeof(CompilerGeneratedAttribute))
            && type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length == 0
            && SingletonField(type)?.GetValue(null) == target;
    }

    private static FieldInfo? SingletonField(Type type) =>
        type.GetField("<>9", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic);

    private static ArgumentException Refuse(string call, string why) =>
        new($"TaskPool.{call}: the function {why}.", "function");

    /// <summary>The Define message's payload: metadata token, module version id, assembly name.</summary>
    public byte[] Definition()
    {
        string assembly = Method.Module.Assembly.FullName!;
        var bytes = new byte[4 + 16 + Encoding.UTF8.GetByteCount(assembly)];
        BitConverter.TryWriteBytes(bytes, Method.MetadataToken);
        Method.Module.ModuleVersionId.TryWriteBytes(bytes.AsSpan(4));
        Encoding.UTF8.GetBytes(assembly, bytes.AsSpan(20));
        return bytes;
    }

    /// <summary>
    /// Finds the method a Define names, in this process; the error names the rank and says why
    /// (an assembly missing, another build of it).
    /// </summary>
    public static (MethodInfo Method, object? Target) Resolve(ReadOnlySpan<byte> definition, int rank)
    {
        int token = BitConverter.ToInt32(definition);
        var moduleId = new Guid(definition.Slice(4, 16));
        string assemblyName = Encoding.UTF8.GetString(definition[20..]);
        Assembly? assembly = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.FullName == assemblyName);
        try
        {
            assembly ??= Assembly.Load(assemblyName);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            throw new InvalidOperationException($"rank {rank} cannot load {assemblyName}, which holds the task's method: {e.Message} (every rank must run the same program)", e);
        }
        Module module = assembly.Modules.FirstOrDefault(m => m.ModuleVersionId == moduleId)
            ?? throw new InvalidOperationException($"rank {rank} runs another build of {assembly.GetName().Name} than the client (module version ids differ); every rank must run the same program");
        var method = (MethodInfo)module.ResolveMethod(token)!;
        object? target = method.IsStatic ? null : SingletonField(method.DeclaringType!)?.GetValue(null)
            ?? throw new InvalidOperationException($"rank {rank}: {method.DeclaringType!.Name}.{method.Name} is an instance method with no singleton to call it on");
        return (method, target);
    }
}

/// <summary>
/// A method of 0-3 parameters as a function of one argument: no parameter takes a placeholder
/// byte, several take a value tuple (which is itself unmanaged when its items are, so a starmap
/// of numbers still travels as raw bytes).
/// </summary>
internal static class TaskShapes
{
    public static Func<byte, TResult> None<TResult>(Func<TResult> f) => _ => f();

    public static Func<ValueTuple<T1, T2>, TResult> Pair<T1, T2, TResult>(Func<T1, T2, TResult> f) => a => f(a.Item1, a.Item2);

    public static Func<ValueTuple<T1, T2, T3>, TResult> Triple<T1, T2, T3, TResult>(Func<T1, T2, T3, TResult> f) =>
        a => f(a.Item1, a.Item2, a.Item3);

    /// <summary>The argument type a method's parameters travel as.</summary>
    public static Type ArgumentType(MethodInfo method)
    {
        Type[] p = method.GetParameters().Select(x => x.ParameterType).ToArray();
        return p.Length switch
        {
            0 => typeof(byte),
            1 => p[0],
            2 => typeof(ValueTuple<,>).MakeGenericType(p),
            3 => typeof(ValueTuple<,,>).MakeGenericType(p),
            _ => throw new NotSupportedException($"{method.Name} has {p.Length} parameters; tasks take at most 3 (pass a tuple or a record for more)"),
        };
    }

    /// <summary>The method as a Func of its one argument type (see <see cref="ArgumentType"/>).</summary>
    public static Delegate AsUnary(MethodInfo method, object? target)
    {
        Type[] p = method.GetParameters().Select(x => x.ParameterType).ToArray();
        Type r = method.ReturnType;
        switch (p.Length)
        {
            case 0:
                return Adapt(nameof(None), [r], Delegate.CreateDelegate(typeof(Func<>).MakeGenericType(r), target, method));
            case 1:
                return Delegate.CreateDelegate(typeof(Func<,>).MakeGenericType(p[0], r), target, method);
            case 2:
                return Adapt(nameof(Pair), [p[0], p[1], r], Delegate.CreateDelegate(typeof(Func<,,>).MakeGenericType(p[0], p[1], r), target, method));
            case 3:
                return Adapt(nameof(Triple), [p[0], p[1], p[2], r], Delegate.CreateDelegate(typeof(Func<,,,>).MakeGenericType(p[0], p[1], p[2], r), target, method));
            default:
                throw new NotSupportedException($"{method.Name} has {p.Length} parameters; tasks take at most 3");
        }
    }

    private static Delegate Adapt(string shape, Type[] types, Delegate inner) =>
        (Delegate)typeof(TaskShapes).GetMethod(shape)!.MakeGenericMethod(types).Invoke(null, [inner])!;
}
