namespace Hpc.Tasks.Wire;

/// <summary>
/// Views between spans of an unmanaged type and their bytes, for generic code whose type
/// parameter is not constrained to unmanaged (the codec has checked it is).
/// </summary>
internal static class RawBytes
{
    public static ReadOnlySpan<byte> Of<T>(ReadOnlySpan<T> values) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(values)), values.Length * Unsafe.SizeOf<T>());

    public static Span<byte> Of<T>(Span<T> values) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<T, byte>(ref MemoryMarshal.GetReference(values)), values.Length * Unsafe.SizeOf<T>());

    public static ReadOnlySpan<T> As<T>(ReadOnlySpan<byte> bytes) =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetReference(bytes)), bytes.Length / Unsafe.SizeOf<T>());

    public static Span<T> As<T>(Span<byte> bytes) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<byte, T>(ref MemoryMarshal.GetReference(bytes)), bytes.Length / Unsafe.SizeOf<T>());
}
