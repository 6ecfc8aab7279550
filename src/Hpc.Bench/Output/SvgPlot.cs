using System.Globalization;
using System.Security;
using System.Text;

namespace Hpc.Bench.Output;

/// <summary>One line of a plot: a label for the legend and one point per size.</summary>
/// <param name="Label">Legend text ("Hpc ring", "Open MPI").</param>
/// <param name="Dashed">Drawn dashed: another runtime than the one measured.</param>
/// <param name="Points">Size in bytes, latency in µs, bus bandwidth in GB/s.</param>
internal sealed record PlotLine(string Label, bool Dashed, IReadOnlyList<(long Bytes, double LatencyUs, double BusbwGBs)> Points);

/// <summary>
/// Draws latency and bus bandwidth against message size as a standalone SVG: two panels side by
/// side, both axes logarithmic (sizes step by 4, times and bandwidths span decades), one colour
/// and marker per line, a legend below. A benchmark without sizes (barrier) becomes a bar chart.
/// Written by hand so the tool needs no plotting package.
/// </summary>
internal static class SvgPlot
{
    private const int Width = 1000;
    private const int PanelTop = 60;
    private const int PanelHeight = 320;
    private const int PanelWidth = 390;
    private static readonly int[] PanelLeft = [80, 580];
    private const string Font = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\"";

    // Okabe–Ito: distinguishable with the common forms of colour blindness.
    private static readonly string[] Colors = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];

    /// <summary>The bandwidth axis: plain bandwidth for point-to-point, nccl-tests busbw for collectives.</summary>
    public static string BandwidthAxis(string benchmark) =>
        benchmark is "latency" or "bw" or "bibw" ? "Bandwidth (GB/s)" : "Bus bandwidth (GB/s)";

    public static string Render(string title, IReadOnlyList<PlotLine> lines, string bandwidthAxis = "Bus bandwidth (GB/s)")
    {
        if (lines.All(l => l.Points.All(p => p.Bytes == 0)))
            return RenderBars(title, lines);

        int legendRows = (lines.Count + 2) / 3;
        int height = PanelTop + PanelHeight + 70 + legendRows * 22 + 10;
        var svg = Begin(height, title);

        var allPoints = lines.SelectMany(l => l.Points).Where(p => p.Bytes > 0).ToList();
        double xMin = Math.Log2(allPoints.Min(p => p.Bytes)), xMax = Math.Log2(allPoints.Max(p => p.Bytes));
        if (xMax - xMin < 2)
        {
            xMin -= 1;
            xMax += 1;
        }
        Panel(svg, 0, "Latency (lower is better)", "Latency (µs)", lines, p => p.LatencyUs, xMin, xMax);
        Panel(svg, 1, $"{bandwidthAxis.Split(" (")[0]} (higher is better)", bandwidthAxis, lines, p => p.BusbwGBs, xMin, xMax);

        int legendTop = PanelTop + PanelHeight + 62;
        for (int i = 0; i < lines.Count; i++)
        {
            int x = 100 + i % 3 * 300, y = legendTop + i / 3 * 22;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x}\" y1=\"{y}\" x2=\"{x + 36}\" y2=\"{y}\" stroke=\"{Color(i)}\" stroke-width=\"2.5\"{Dash(lines[i])}/>");
            Marker(svg, i, x + 18, y);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 46}\" y=\"{y + 5}\" font-size=\"14\" {Font}>{Escape(lines[i].Label)}</text>");
        }
        return svg.Append("</svg>\n").ToString();
    }

    private static void Panel(StringBuilder svg, int index, string heading, string axis, IReadOnlyList<PlotLine> lines,
        Func<(long Bytes, double LatencyUs, double BusbwGBs), double> value, double xMin, double xMax)
    {
        int left = PanelLeft[index], top = PanelTop, bottom = PanelTop + PanelHeight, right = left + PanelWidth;
        double[] values = [.. lines.SelectMany(l => l.Points).Where(p => p.Bytes > 0).Select(value).Where(v => v > 0)];
        if (values.Length == 0)
            values = [1];
        double yMin = Math.Floor(Math.Log10(values.Min())), yMax = Math.Ceiling(Math.Log10(values.Max()));
        if (yMax <= yMin)
            yMax = yMin + 1;
        double X(double bytes) => left + (Math.Log2(bytes) - xMin) / (xMax - xMin) * PanelWidth;
        double Y(double v) => bottom - (Math.Log10(v) - yMin) / (yMax - yMin) * PanelHeight;

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + PanelWidth / 2}\" y=\"{top - 12}\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\" {Font}>{Escape(heading)}</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{top}\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"white\" stroke=\"#444\"/>");

        // Decades on y, with faint 2…9 minor lines.
        for (int d = (int)yMin; d <= (int)yMax; d++)
        {
            double y = Y(Math.Pow(10, d));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{y:F1}\" x2=\"{right}\" y2=\"{y:F1}\" stroke=\"#ccc\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\" font-size=\"12\" {Font}>{Decade(d)}</text>");
            for (int m = 2; m <= 9 && d < (int)yMax; m++)
            {
                double ym = Y(m * Math.Pow(10, d));
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{ym:F1}\" x2=\"{right}\" y2=\"{ym:F1}\" stroke=\"#eee\"/>");
            }
        }
        // Powers of 4 on x (powers of 16 when that would crowd the labels).
        int first = (int)Math.Ceiling(xMin), last = (int)Math.Floor(xMax);
        int step = (last - first) / 2 > 8 ? 4 : 2;
        // Start at the smallest power of 4 so the labels fall on measured sizes (4, 64, 1K, …).
        for (int e = first + (first & 1); e <= last; e += step)
        {
            double x = X(Math.Pow(2, e));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:F1}\" y1=\"{top}\" x2=\"{x:F1}\" y2=\"{bottom}\" stroke=\"#e4e4e4\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:F1}\" y=\"{bottom + 18}\" text-anchor=\"middle\" font-size=\"12\" {Font}>{SizeLabel(1L << e)}</text>");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + PanelWidth / 2}\" y=\"{bottom + 40}\" text-anchor=\"middle\" font-size=\"13\" {Font}>Message size (bytes)</text>");
        svg.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate({left - 50},{top + PanelHeight / 2}) rotate(-90)\" text-anchor=\"middle\" font-size=\"13\" {Font}>{Escape(axis)}</text>");

        for (int i = 0; i < lines.Count; i++)
        {
            var points = lines[i].Points.Where(p => p.Bytes > 0 && value(p) > 0).OrderBy(p => p.Bytes).ToList();
            if (points.Count == 0)
                continue;
            string path = string.Join(" ", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.Bytes):F1},{Y(value(p)):F1}")));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{Color(i)}\" stroke-width=\"2\"{Dash(lines[i])}/>");
            foreach (var p in points)
                Marker(svg, i, X(p.Bytes), Y(value(p)));
        }
    }

    private static string RenderBars(string title, IReadOnlyList<PlotLine> lines)
    {
        const int left = 220, barHeight = 28, gap = 14, plotWidth = 640;
        int height = PanelTop + lines.Count * (barHeight + gap) + 60;
        var svg = Begin(height, title);
        double max = lines.Max(l => l.Points.Count > 0 ? l.Points.Max(p => p.LatencyUs) : 0);
        if (max <= 0)
            max = 1;
        for (int i = 0; i < lines.Count; i++)
        {
            double latency = lines[i].Points.Count > 0 ? lines[i].Points[0].LatencyUs : 0;
            int y = PanelTop + i * (barHeight + gap);
            double w = latency / max * plotWidth;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 10}\" y=\"{y + 19}\" text-anchor=\"end\" font-size=\"14\" {Font}>{Escape(lines[i].Label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left}\" y=\"{y}\" width=\"{w:F1}\" height=\"{barHeight}\" fill=\"{Color(i)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + w + 8:F1}\" y=\"{y + 19}\" font-size=\"14\" {Font}>{latency:F2} µs</text>");
        }
        int axisY = PanelTop + lines.Count * (barHeight + gap) + 20;
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + plotWidth / 2}\" y=\"{axisY}\" text-anchor=\"middle\" font-size=\"13\" {Font}>Latency per call (µs, lower is better)</text>");
        return svg.Append("</svg>\n").ToString();
    }

    private static StringBuilder Begin(int height, string title)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\" {Font}>{Escape(title)}</text>");
        return svg;
    }

    private static void Marker(StringBuilder svg, int series, double x, double y)
    {
        string color = Color(series);
        string shape = (series % 4) switch
        {
            0 => $"<circle cx=\"{x:F1}\" cy=\"{y:F1}\" r=\"4\" fill=\"{color}\"/>",
            1 => $"<rect x=\"{x - 4:F1}\" y=\"{y - 4:F1}\" width=\"8\" height=\"8\" fill=\"{color}\"/>",
            2 => $"<path d=\"M{x:F1},{y - 5:F1} L{x + 5:F1},{y + 4:F1} L{x - 5:F1},{y + 4:F1} Z\" fill=\"{color}\"/>",
            _ => $"<path d=\"M{x:F1},{y - 5:F1} L{x + 5:F1},{y:F1} L{x:F1},{y + 5:F1} L{x - 5:F1},{y:F1} Z\" fill=\"{color}\"/>",
        };
        svg.Append(string.Create(CultureInfo.InvariantCulture, $"{shape}"));
    }

    private static string Color(int series) => Colors[series % Colors.Length];

    private static string Dash(PlotLine line) => line.Dashed ? " stroke-dasharray=\"7 4\"" : "";

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

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
