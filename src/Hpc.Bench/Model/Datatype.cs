namespace Hpc.Bench.Model;

/// <summary>Code that runs for one element type, chosen at run time by <c>-T</c>.</summary>
internal interface IElementTypeAction<out TResult>
{
    TResult Run<T>() where T : unmanaged, INumber<T>;
}

/// <summary>
/// The element type of the benchmark's buffers (<c>-T</c>). Names follow C and OSU
/// (<c>-T mpi_float</c> and <c>-T float</c> are the same); float is the default because the
/// reference numbers are float32.
/// </summary>
internal sealed class Datatype
{
    private readonly Func<IElementTypeAction<object?>, object?> _dispatch;

    private Datatype(string name, int size, Func<IElementTypeAction<object?>, object?> dispatch)
    {
        Name = name;
        Size = size;
        _dispatch = dispatch;
    }

    public string Name { get; }

    /// <summary>Bytes per element.</summary>
    public int Size { get; }

    public static Datatype Float { get; } = Make<float>("float");

    public static IReadOnlyList<Datatype> All { get; } =
    [
        Make<byte>("char"), Make<short>("short"), Make<int>("int"), Make<long>("long"),
        Float, Make<double>("double"),
    ];

    /// <summary>The type named <paramref name="name"/> ("float", "mpi_double", "byte", …), or null.</summary>
    public static Datatype? Find(string name)
    {
        string key = name.Trim().ToLowerInvariant();
        if (key.StartsWith("mpi_", StringComparison.Ordinal))
            key = key[4..];
        key = key switch
        {
            "byte" or "uint8" or "unsigned_char" => "char",
            "int16" => "short",
            "int32" => "int",
            "int64" or "long_long" => "long",
            "float32" => "float",
            "float64" => "double",
            _ => key,
        };
        return All.FirstOrDefault(t => t.Name == key);
    }

    public static string Names => string.Join(", ", All.Select(t => t.Name));

    public TResult Dispatch<TResult>(IElementTypeAction<TResult> action) => (TResult)_dispatch(new Boxing<TResult>(action))!;

    public override string ToString() => Name;

    private static unsafe Datatype Make<T>(string name) where T : unmanaged, INumber<T> =>
        new(name, sizeof(T), action => action.Run<T>());

    private sealed class Boxing<TResult>(IElementTypeAction<TResult> inner) : IElementTypeAction<object?>
    {
        public object? Run<T>() where T : unmanaged, INumber<T> => inner.Run<T>();
    }
}
