namespace Hpc.Bench.Output;

/// <summary>The image formats <c>--plot</c> writes, chosen by the file's extension.</summary>
internal static class PlotFormats
{
    /// <summary>Whether <paramref name="path"/> names a format the plot can be written in (.svg or .png).</summary>
    public static bool IsSupported(string path) => IsSvg(path) || IsPng(path);

    public static bool IsSvg(string path) => path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase);

    public static bool IsPng(string path) => path.EndsWith(".png", StringComparison.OrdinalIgnoreCase);
}
