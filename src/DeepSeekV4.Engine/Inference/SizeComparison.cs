using System.Globalization;

namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// How one size compares with another, in words a reader cannot misread: "3.2x smaller", "1.5x larger" or
/// "same size". The factor is always the larger size over the smaller (so at least 1), with one decimal below 100
/// and none from 100 up ("1,600x smaller"); the direction comes from the exact byte counts, never from the rounded
/// factor, so 1,000 against 1,001 bytes reads "1.0x smaller", not "same size".
/// </summary>
public static class SizeComparison
{
    /// <summary>Shown when either size is zero: nothing to compare (an empty cache, a model without that layout).</summary>
    public const string NotComparable = "-";

    public const string SameSize = "same size";

    /// <summary><paramref name="size"/> described against <paramref name="reference"/>: "<c>N.Nx smaller</c>" when it is smaller.</summary>
    public static string Describe(long size, long reference)
    {
        if (size == reference) return size == 0 ? NotComparable : SameSize;
        if (size <= 0 || reference <= 0) return NotComparable;
        bool smaller = size < reference;
        double factor = smaller ? (double)reference / size : (double)size / reference;
        string n = Math.Round(factor, 1) >= 100
            ? factor.ToString("N0", CultureInfo.InvariantCulture)
            : factor.ToString("0.0", CultureInfo.InvariantCulture);
        return n + (smaller ? "x smaller" : "x larger");
    }
}
