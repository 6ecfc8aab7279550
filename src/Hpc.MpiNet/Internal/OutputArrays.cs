#nullable disable
namespace MPI.Internal;

/// <summary>
/// MPI.NET's <c>ref T[] outValues</c> overloads reuse the caller's array when it has the length the
/// result needs and replace it otherwise; this is that one rule, so every collective applies it alike.
/// </summary>
internal static class OutputArrays
{
    /// <summary>Leaves <paramref name="array"/> when it holds exactly <paramref name="length"/> elements, else replaces it with a new one.</summary>
    public static void Fit<T>(ref T[] array, int length)
    {
        if (array is null || array.Length != length)
            array = new T[length];
    }

    /// <summary>Leaves <paramref name="array"/> when it holds at least <paramref name="length"/> elements, else replaces it with a new one.</summary>
    public static void FitAtLeast<T>(ref T[] array, int length)
    {
        if (array is null || array.Length < length)
            array = new T[length];
    }

    /// <summary>Copies <paramref name="result"/> into <paramref name="array"/> when the lengths agree, else hands <paramref name="result"/> over as the array.</summary>
    public static void Deliver<T>(T[] result, ref T[] array)
    {
        if (array is not null && array.Length == result.Length)
            result.CopyTo(array, 0);
        else
            array = result;
    }
}
