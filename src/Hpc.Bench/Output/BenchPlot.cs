using ScottPlot;
using ScottPlot.TickGenerators;
using SkiaSharp;

namespace Hpc.Bench.Output;

/// <summary>One point of a plot line: a size, its time with the spread over ranks (or runs), its bandwidth.</summary>
/// <param name="Bytes">Benchmark size (0 for barrier).</param>
/// <param name="LatencyUs">Time per call, µs.</param>
/// <param name="MinUs">Lower edge of the band: the smallest rank mean (or run median's minimum).</param>
/// <param name="MaxUs">Upper edge of the band.</param>
/// <param name="BusbwGBs">Bus bandwidth (plain bandwidth for point-to-point), GB/s.</param>
internal readonly record struct PlotPoint(long Bytes, double LatencyUs, double MinUs, double MaxUs, double BusbwGBs);

/// <summary>One line of a plot: a label for the legend ("Hpc ring", "Open MPI") and one point per size.</summary>
/// <param name="Label">Legend text: the runtime and, when it has several, the algorithm.</param>
/// <param name="OtherRuntime">Another runtime than the one measured (drawn with open markers).</param>
/// <param name="Points">The sizes.</param>
internal sealed record PlotLine(string Label, bool OtherRuntime, IReadOnlyList<PlotPoint> Points);

/// <summary>
/// Latency and bandwidth against message size, drawn with ScottPlot: two panels side by side,
/// both axes logarithmic (sizes step by 4, times and bandwidths span decades), one colour and
/// marker per line with its min–max band shaded, a legend naming runtime and algorithm, and a
/// caption with the title, Hpc's version, the host and the date. A benchmark without sizes
/// (barrier) becomes a bar chart. SVG through Skia's SVG canvas, PNG through a raster surface
/// (SkiaSharp's native library ships in the package, no system dependency). Skia's SVG canvas
/// cannot draw dashes, so another runtime's lines are told apart by open markers instead.
/// </summary>
internal static class BenchPlot
{
    private const int PanelWidth = 640;
    private const int PanelHeight = 480;
    private const int CaptionHeight = 64;
    private const string FontName = "DejaVu Sans";

    // Okabe–Ito: distinguishable with the common forms of colour blindness.
    private static readonly string[] Colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
    private static readonly MarkerShape[] Filled = [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond];
    private static readonly MarkerShape[] Open = [MarkerShape.OpenCircle, MarkerShape.OpenSquare, MarkerShape.OpenTriangleUp, MarkerShape.OpenDiamond];

    /// <summary>The bandwidth axis: plain bandwidth for point-to-point, nccl-tests busbw for collectives.</summary>
    public static string BandwidthAxis(string benchmark) =>
        benchmark is "latency" or "bw" or "bibw" ? "Bandwidth (GB/s)" : "Bus bandwidth (GB/s)";

    /// <summary>Writes the plot to <paramref name="path"/>, as SVG or PNG by its extension.</summary>
    public static void Save(string path, string title, string caption, IReadOnlyList<PlotLine> lines, string bandwidthAxis)
    {
        if (PlotFormats.IsPng(path))
            File.WriteAllBytes(path, RenderPng(title, caption, lines, bandwidthAxis));
        else
            File.WriteAllText(path, RenderSvg(title, caption, lines, bandwidthAxis));
    }

    public static string RenderSvg(string title, string caption, IReadOnlyList<PlotLine> lines, string bandwidthAxis = "Bus bandwidth (GB/s)")
    {
        (int width, int height) = Size(lines);
        using var stream = new MemoryStream();
        using (var skStream = new SKManagedWStream(stream))
        using (SKCanvas canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), skStream))
        {
            Draw(canvas, title, caption, lines, bandwidthAxis);
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static byte[] RenderPng(string title, string caption, IReadOnlyList<PlotLine> lines, string bandwidthAxis = "Bus bandwidth (GB/s)")
    {
        (int width, int height) = Size(lines);
        using SKSurface surface = SKSurface.Create(new SKImageInfo(width, height))
            ?? throw new InvalidOperationException("Skia could not create a raster surface for the PNG");
        Draw(surface.Canvas, title, caption, lines, bandwidthAxis);
        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static bool HasSizes(IReadOnlyList<PlotLine> lines) => lines.Any(l => l.Points.Any(p => p.Bytes > 0));

    private static (int Width, int Height) Size(IReadOnlyList<PlotLine> lines) =>
        (HasSizes(lines) ? 2 * PanelWidth : PanelWidth, PanelHeight + CaptionHeight);

    private static void Draw(SKCanvas canvas, string title, string caption, IReadOnlyList<PlotLine> lines, string bandwidthAxis)
    {
        canvas.Clear(SKColors.White);
        int width = HasSizes(lines) ? 2 * PanelWidth : PanelWidth;
        if (!HasSizes(lines))
        {
            using Plot bars = Bars(lines);
            RenderInto(canvas, bars, 0);
        }
        else
        {
            using Plot latency = Panel("Latency (lower is better)", "Latency (µs)", lines, p => p.LatencyUs, band: true);
            using Plot bandwidth = Panel($"{bandwidthAxis.Split(" (")[0]} (higher is better)", bandwidthAxis, lines, p => p.BusbwGBs, band: false);
            RenderInto(canvas, latency, 0);
            RenderInto(canvas, bandwidth, PanelWidth);
        }
        using var font = new SKFont(SKTypeface.FromFamilyName(FontName, SKFontStyle.Bold), 17);
        using var small = new SKFont(SKTypeface.FromFamilyName(FontName), 13);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        canvas.DrawText(title, width / 2f, 24, SKTextAlign.Center, font, ink);
        canvas.DrawText(caption, width / 2f, 48, SKTextAlign.Center, small, ink);
    }

    /// <summary>Renders one panel at <paramref name="left"/>, clipped to its rectangle (ScottPlot clears what it may draw on).</summary>
    private static void RenderInto(SKCanvas canvas, Plot plot, int left)
    {
        canvas.Save();
        canvas.ClipRect(new SKRect(left, CaptionHeight, left + PanelWidth, CaptionHeight + PanelHeight));
        plot.Render(canvas, new PixelRect(left, left + PanelWidth, CaptionHeight + PanelHeight, CaptionHeight));
        canvas.Restore();
    }

    private static Plot Panel(string heading, string axis, IReadOnlyList<PlotLine> lines, Func<PlotPoint, double> value, bool band)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(heading, size: 15);
        plot.XLabel("Message size (bytes)", size: 13);
        plot.YLabel(axis, size: 13);
        var ys = new List<double>();
        var xs = new List<double>();
        for (int i = 0; i < lines.Count; i++)
        {
            PlotPoint[] points = [.. lines[i].Points.Where(p => p.Bytes > 0 && value(p) > 0).OrderBy(p => p.Bytes)];
            if (points.Length == 0)
                continue;
            double[] x = [.. points.Select(p => Math.Log2(p.Bytes))];
            double[] y = [.. points.Select(p => Math.Log10(value(p)))];
            Color color = Color.FromHex(Colors[i % Colors.Length]);
            if (band && points.Any(p => p.MaxUs > p.MinUs) && points.All(p => p.MinUs > 0))
            {
                var fill = plot.Add.FillY(x, [.. points.Select(p => Math.Log10(p.MinUs))], [.. points.Select(p => Math.Log10(p.MaxUs))]);
                fill.FillColor = color.WithAlpha(0.18);
                fill.LineWidth = 0;
                ys.AddRange(points.Select(p => Math.Log10(p.MinUs)));
                ys.AddRange(points.Select(p => Math.Log10(p.MaxUs)));
            }
            var scatter = plot.Add.Scatter(x, y, color);
            scatter.LegendText = lines[i].Label;
            scatter.LineWidth = lines[i].OtherRuntime ? 1.5f : 2.5f;
            scatter.MarkerSize = 8;
            scatter.MarkerShape = (lines[i].OtherRuntime ? Open : Filled)[i % Filled.Length];
            xs.AddRange(x);
            ys.AddRange(y);
        }
        if (xs.Count == 0)
            return plot;
        plot.Axes.Bottom.TickGenerator = SizeTicks(xs.Min(), xs.Max());
        double yMin = Math.Floor(ys.Min()), yMax = Math.Ceiling(ys.Max());
        if (yMax <= yMin)
            yMax = yMin + 1;
        plot.Axes.Left.TickGenerator = DecadeTicks((int)yMin, (int)yMax);
        plot.Axes.SetLimits(xs.Min() - 0.5, xs.Max() + 0.5, yMin, yMax);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot Bars(IReadOnlyList<PlotLine> lines)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title("Latency per call (lower is better)", size: 15);
        plot.YLabel("Latency (µs)", size: 13);
        var ticks = new NumericManual();
        for (int i = 0; i < lines.Count; i++)
        {
            PlotPoint? point = lines[i].Points.Count > 0 ? lines[i].Points[0] : null;
            var bar = new Bar
            {
                Position = i,
                Value = point?.LatencyUs ?? 0,
                FillColor = Color.FromHex(Colors[i % Colors.Length]),
                Label = point is { } p ? p.LatencyUs.ToString("F2", CultureInfo.InvariantCulture) + " µs" : "",
            };
            // The whiskers are the spread over ranks (or runs).
            if (point is { } q && q.MaxUs > q.MinUs)
            {
                bar.Error = (q.MaxUs - q.MinUs) / 2;
                bar.Value = q.LatencyUs;
            }
            plot.Add.Bars(new[] { bar });
            ticks.AddMajor(i, lines[i].Label);
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    /// <summary>Ticks at powers of 4 (or 16, when that would crowd the labels) on a log2 axis.</summary>
    private static NumericManual SizeTicks(double min, double max)
    {
        var ticks = new NumericManual();
        int first = (int)Math.Ceiling(min), last = (int)Math.Floor(max);
        int step = (last - first) / 2 > 8 ? 4 : 2;
        // Start at a power of 4 so the labels fall on measured sizes (4, 64, 1K, …).
        for (int e = first + (first & 1); e <= last; e += step)
            ticks.AddMajor(e, SizeLabel(1L << e));
        return ticks;
    }

    /// <summary>Decades, with unlabelled 2…9 minor ticks, on a log10 axis.</summary>
    private static NumericManual DecadeTicks(int min, int max)
    {
        var ticks = new NumericManual();
        for (int d = min; d <= max; d++)
        {
            ticks.AddMajor(d, Decade(d));
            for (int m = 2; m <= 9 && d < max; m++)
                ticks.AddMinor(d + Math.Log10(m));
        }
        return ticks;
    }

    private static string Decade(int exponent) => exponent switch
    {
        < -3 or > 5 => $"1e{exponent}",
        < 0 => Math.Pow(10, exponent).ToString("0.###", CultureInfo.InvariantCulture),
        _ => Math.Pow(10, exponent).ToString("0", CultureInfo.InvariantCulture),
    };

    /// <summary>4, 64, 1K, 16K, 256K, 4M, 64M, 1G.</summary>
    public static string SizeLabel(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30}G",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20}M",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10}K",
        _ => bytes.ToString(CultureInfo.InvariantCulture),
    };
}
