using System.Diagnostics;
using System.Text;

namespace DeepSeekV4.Engine.Tensors;

/// <summary>One kind of weight in a <see cref="ProductProfile"/>: e.g. "blk.#.attn_q_b.weight", every layer's together.</summary>
public sealed record ProductProfileEntry(string Weight, long Calls, long Products, long Bytes, double Seconds)
{
    /// <summary>Weight bytes read per second of these calls (activations and outputs not counted).</summary>
    public double BytesPerSecond => Seconds > 0 ? Bytes / Seconds : 0;
}

/// <summary>
/// Where the time of the matrix products goes, by kind of weight: while a profile is <see cref="Active"/> on a thread,
/// every call of <see cref="MatrixProducts"/> that thread makes adds its wall time (activation conversion, the pool's hand-over and its wait for the
/// slowest chunk included) and its weight bytes under the name of its first weight, with layer numbers and slices folded
/// (blk.3.ffn_gate_exps.weight[5] → blk.#.ffn_gate_exps.weight). Off (the default) it costs one read per call.
/// </summary>
public sealed class ProductProfile
{
    [ThreadStatic] private static ProductProfile? _active;
    private readonly Dictionary<string, string> _kinds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Calls, long Products, long Bytes, long Ticks)> _totals = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>
    /// The profile the products called on this thread report to, or null (no profiling). Per thread, so that a profiled
    /// run counts only its own products (a product's chunks run on pool threads, but its call is made on this one).
    /// </summary>
    public static ProductProfile? Active
    {
        get => _active;
        set => _active = value;
    }

    /// <summary>Adds one call: <paramref name="products"/> products read <paramref name="bytes"/> weight bytes in <paramref name="ticks"/> (Stopwatch ticks).</summary>
    public void Record(string weight, int products, long bytes, long ticks)
    {
        lock (_gate)
        {
            if (!_kinds.TryGetValue(weight, out var kind)) _kinds[weight] = kind = KindOf(weight);
            _totals.TryGetValue(kind, out var total);
            _totals[kind] = (total.Calls + 1, total.Products + products, total.Bytes + bytes, total.Ticks + ticks);
        }
    }

    /// <summary>The kinds of weight, the most time first.</summary>
    public IReadOnlyList<ProductProfileEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return _totals.Select(e => new ProductProfileEntry(e.Key, e.Value.Calls, e.Value.Products, e.Value.Bytes, e.Value.Ticks / (double)Stopwatch.Frequency))
                    .OrderByDescending(e => e.Seconds).ThenBy(e => e.Weight, StringComparer.Ordinal).ToList();
            }
        }
    }

    /// <summary>Seconds spent in all the products recorded.</summary>
    public double ProductSeconds => Entries.Sum(e => e.Seconds);

    /// <summary>A tensor name with its slice ("[…]") dropped and every all-digit part between dots replaced by '#'.</summary>
    public static string KindOf(string weight)
    {
        int bracket = weight.IndexOf('[');
        var parts = (bracket >= 0 ? weight[..bracket] : weight).Split('.');
        var kind = new StringBuilder();
        for (int i = 0; i < parts.Length; i++)
        {
            if (i > 0) kind.Append('.');
            kind.Append(parts[i].Length > 0 && parts[i].All(char.IsAsciiDigit) ? "#" : parts[i]);
        }
        return kind.ToString();
    }
}
