namespace Hpc.Reduction;

/// <summary>C# spellings of element types, so messages say "float" rather than "Single".</summary>
internal static class TypeNames
{
    public static string Of(Type type)
    {
        if (type == typeof(byte)) return "byte";
        if (type == typeof(sbyte)) return "sbyte";
        if (type == typeof(short)) return "short";
        if (type == typeof(ushort)) return "ushort";
        if (type == typeof(int)) return "int";
        if (type == typeof(uint)) return "uint";
        if (type == typeof(long)) return "long";
        if (type == typeof(ulong)) return "ulong";
        if (type == typeof(nint)) return "nint";
        if (type == typeof(nuint)) return "nuint";
        if (type == typeof(float)) return "float";
        if (type == typeof(double)) return "double";
        if (type == typeof(bool)) return "bool";
        if (type == typeof(char)) return "char";
        if (type.IsGenericType)
        {
            string name = type.Name[..type.Name.IndexOf('`')];
            return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Of))}>";
        }
        return type.Name;
    }

    public static bool IsFloatingPoint(Type type) => type == typeof(float) || type == typeof(double) || type == typeof(Half);
}
