using System.Globalization;

namespace DeepSeekV4.Corpus.Chart;

/// <summary>Round tick values (1, 2 or 5 × 10^k apart) covering a range, and short labels for them (1.5K, 20M).</summary>
public static class AxisTicks
{
    public static (double Min, double Max, double Step) Nice(double min, double max, int wanted = 6)
    {
        if (!(max > min)) { min -= 0.5; max += 0.5; }
        double raw = (max - min) / Math.Max(1, wanted);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(f => f * magnitude).First(s => s >= raw);
        return (Math.Floor(min / step) * step, Math.Ceiling(max / step) * step, step);
    }

    public static string Label(double value)
    {
        double a = Math.Abs(value);
        string Fmt(double v, string suffix) => v.ToString("0.##", CultureInfo.InvariantCulture) + suffix;
        return a >= 1e9 ? Fmt(value / 1e9, "G") : a >= 1e6 ? Fmt(value / 1e6, "M") : a >= 1e4 ? Fmt(value / 1e3, "K") : Fmt(value, "");
    }
}
