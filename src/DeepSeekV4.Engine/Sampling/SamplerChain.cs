using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Sampling;

/// <summary>
/// Picks tokens from logits with one <see cref="SamplerSettings"/> and one seeded generator. Scratch buffers are
/// sized once for the vocabulary, so sampling a token allocates nothing.
/// </summary>
public sealed class SamplerChain
{
    private const int FirstTopPWindow = 64;

    private readonly SamplerSettings _settings;
    private readonly SamplerRandom _random;
    private readonly float[] _weights;
    private readonly int[] _order;
    private readonly int[] _counts;
    private readonly int[] _touched;

    public SamplerChain(SamplerSettings settings, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        _settings = settings;
        Seed = settings.Seed ?? SamplerRandom.NewSeed();
        _random = new SamplerRandom(Seed);
        _weights = new float[vocabularySize];
        _order = new int[vocabularySize];
        _counts = new int[vocabularySize];
        _touched = new int[Math.Max(1, settings.PenaltyWindow)];
    }

    /// <summary>The seed in use (drawn when the settings gave none).</summary>
    public ulong Seed { get; }

    public int VocabularySize => _weights.Length;

    /// <summary>
    /// Chooses the next token. <paramref name="logits"/> is modified in place (penalties); <paramref name="recent"/>
    /// holds the tokens generated so far (the last <see cref="SamplerSettings.PenaltyWindow"/> are penalised).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Sample(Span<float> logits, ReadOnlySpan<int> recent)
    {
        if (logits.Length != _weights.Length)
            throw new ArgumentException($"logits has {logits.Length} entries, the vocabulary {_weights.Length}", nameof(logits));
        ApplyPenalties(logits, recent);
        if (_settings.IsGreedy) return ArgMax(logits);

        float max = Elementwise.Max(logits);
        if (!float.IsFinite(max)) throw new InvalidOperationException($"the model produced no finite logit (max = {max})");
        var w = _weights.AsSpan();
        Elementwise.Subtract(logits, max, w);
        Elementwise.Multiply(w, (float)(1.0 / _settings.Temperature), w);
        Reductions.Exp(w, w);

        int n = KeepMinP(w);
        if (_settings.TopK > 0 && _settings.TopK < n)
        {
            SelectTop(_order.AsSpan(0, n), _settings.TopK, _weights);
            n = _settings.TopK;
        }
        if (_settings.TopP < 1) n = KeepTopP(n);
        return Draw(n);
    }

    /// <summary>Applies the repetition, frequency and presence penalties to the tokens in the penalty window.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void ApplyPenalties(Span<float> logits, ReadOnlySpan<int> recent)
    {
        var s = _settings;
        if (s.PenaltyWindow == 0 || recent.IsEmpty) return;
        if (s.RepetitionPenalty == 1 && s.FrequencyPenalty == 0 && s.PresencePenalty == 0) return;
        var window = recent.Length > s.PenaltyWindow ? recent[^s.PenaltyWindow..] : recent;
        int touched = 0;
        foreach (int id in window)
        {
            if ((uint)id >= (uint)_counts.Length) continue;
            if (_counts[id]++ == 0) _touched[touched++] = id;
        }
        for (int i = 0; i < touched; i++)
        {
            int id = _touched[i];
            double l = logits[id];
            if (s.RepetitionPenalty != 1) l = l > 0 ? l / s.RepetitionPenalty : l * s.RepetitionPenalty;
            l -= _counts[id] * s.FrequencyPenalty + s.PresencePenalty;
            logits[id] = (float)l;
            _counts[id] = 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        float bestValue = float.NegativeInfinity;
        for (int i = 0; i < logits.Length; i++)
        {
            if (logits[i] > bestValue) { bestValue = logits[i]; best = i; }
        }
        return best;
    }

    /// <summary>Fills the candidate list with the tokens whose weight (probability relative to the best) reaches MinP.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int KeepMinP(ReadOnlySpan<float> w)
    {
        float threshold = (float)_settings.MinP;
        int n = 0;
        for (int i = 0; i < w.Length; i++)
        {
            if (w[i] > 0 && w[i] >= threshold) _order[n++] = i;
        }
        return n;
    }

    /// <summary>Keeps the smallest prefix (by weight) of the first n candidates whose mass reaches TopP of theirs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int KeepTopP(int n)
    {
        double total = 0;
        for (int i = 0; i < n; i++) total += _weights[_order[i]];
        double target = _settings.TopP * total;
        for (int m = Math.Min(n, FirstTopPWindow); ; m = Math.Min(n, m * 4))
        {
            var top = _order.AsSpan(0, n);
            SelectTop(top, m, _weights);
            top[..m].Sort(new RankComparer(_weights));
            double cumulative = 0;
            for (int i = 0; i < m; i++)
            {
                cumulative += _weights[top[i]];
                if (cumulative >= target) return i + 1;
            }
            if (m == n) return n;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Draw(int n)
    {
        double total = 0;
        for (int i = 0; i < n; i++) total += _weights[_order[i]];
        double u = _random.NextDouble() * total;
        double cumulative = 0;
        for (int i = 0; i < n; i++)
        {
            cumulative += _weights[_order[i]];
            if (u < cumulative) return _order[i];
        }
        return _order[n - 1];
    }

    /// <summary>Moves the m highest-ranked ids of <paramref name="ids"/> to its front (in no particular order): quickselect.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SelectTop(Span<int> ids, int m, float[] weights)
    {
        if (m <= 0 || m >= ids.Length) return;
        var rank = new RankComparer(weights);
        int lo = 0, hi = ids.Length - 1, k = m - 1;
        while (hi > lo)
        {
            int pivot = MedianOfThree(ids[lo], ids[lo + (hi - lo) / 2], ids[hi], rank);
            int i = lo, j = hi;
            while (i <= j)
            {
                while (rank.Compare(ids[i], pivot) < 0) i++;
                while (rank.Compare(pivot, ids[j]) < 0) j--;
                if (i <= j)
                {
                    (ids[i], ids[j]) = (ids[j], ids[i]);
                    i++;
                    j--;
                }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return;
        }
    }

    private static int MedianOfThree(int a, int b, int c, RankComparer rank)
    {
        if (rank.Compare(a, b) > 0) (a, b) = (b, a);
        if (rank.Compare(b, c) > 0) (b, c) = (c, b);
        if (rank.Compare(a, b) > 0) (a, b) = (b, a);
        return b;
    }

    /// <summary>Orders token ids by weight, highest first; equal weights by id, so ties break the same way every run.</summary>
    private readonly struct RankComparer(float[] weights) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            float a = weights[x], b = weights[y];
            if (a > b) return -1;
            if (a < b) return 1;
            return x.CompareTo(y);
        }
    }
}
