namespace Hpc.Bench.Cli;

/// <summary>
/// Message sizes from <see cref="Min"/> to <see cref="Max"/> bytes by factors of 4, as
/// ompi_bench steps them (4, 16, 64, … with the defaults), written <c>-m [MIN:]MAX</c> as in OSU.
/// </summary>
internal sealed record SizeRange(long Min, long Max)
{
    public const long DefaultMin = 4;

    /// <summary>ompi_bench's default MAXBYTES: 64 MiB.</summary>
    public const long DefaultMax = 64L << 20;

    public static SizeRange Default { get; } = new(DefaultMin, DefaultMax);

    public IEnumerable<long> Sizes()
    {
        for (long bytes = Min; bytes <= Max; bytes *= 4)
            yield return bytes;
    }

    /// <summary>
    /// Parses <c>MAX</c> or <c>MIN:MAX</c>; numbers are bytes, optionally with a binary suffix
    /// (K, M, G: <c>-m 4K:4M</c>).
    /// </summary>
    /// <exception cref="UsageException">Malformed, zero, or MIN above MAX; the message names <paramref name="option"/>.</exception>
    public static SizeRange Parse(string text, string option = "-m")
    {
        string[] parts = text.Split(':');
        if (parts.Length > 2)
            throw new UsageException($"{option} '{text}': expected [MIN:]MAX in bytes, e.g. 4:4096");
        long max = Bytes(parts[^1], "MAX");
        long min = parts.Length == 2 ? Bytes(parts[0], "MIN") : Math.Min(DefaultMin, max);
        if (min > max)
            throw new UsageException($"{option} '{text}': MIN {min} is larger than MAX {max}");
        return new SizeRange(min, max);

        long Bytes(string part, string what)
        {
            string digits = part.Trim();
            long unit = 1;
            if (digits.Length > 0 && char.ToUpperInvariant(digits[^1]) is 'K' or 'M' or 'G')
            {
                unit = char.ToUpperInvariant(digits[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, _ => 1L << 30 };
                digits = digits[..^1];
            }
            if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > (1L << 40) / unit)
                throw new UsageException($"{option} '{text}': {what} '{part}' is not a number of bytes (expected [MIN:]MAX, e.g. 4:4096 or 4K:4M)");
            if (value == 0)
                throw new UsageException($"{option} '{text}': {what} must be at least 1 byte");
            return value * unit;
        }
    }

    public override string ToString() => $"{Min}:{Max}";
}
