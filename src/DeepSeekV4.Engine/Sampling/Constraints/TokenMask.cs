using System.Numerics;

namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// A set of allowed token ids (one bit each) and the most bytes any allowed token leaves to close the document.
/// Applying it sets every other logit to -∞; a sparse mask keeps its ids, so it fills and restores instead of
/// visiting every bit.
/// </summary>
internal sealed class TokenMask
{
    private int[]? _ids;
    private float[]? _kept;

    public TokenMask(int size) => Bits = new ulong[(size + 63) / 64];

    public ulong[] Bits { get; }

    /// <summary>The largest <see cref="JsonAutomaton.MinRemaining"/> after any allowed token.</summary>
    public int MaxRemainingAfter { get; set; }

    /// <summary>The smallest <see cref="JsonAutomaton.MinRemaining"/> after any token that continues the document (budget or not).</summary>
    public int MinRemainingAfter { get; set; } = int.MaxValue;

    public int Count { get; private set; }

    public void Clear()
    {
        Array.Clear(Bits);
        MaxRemainingAfter = 0;
        MinRemainingAfter = int.MaxValue;
        _ids = null;
    }

    public void Add(int id) => Bits[id >> 6] |= 1UL << id;

    public bool Contains(int id) => (Bits[id >> 6] & (1UL << id)) != 0;

    public void Or(ulong[] other)
    {
        int n = Math.Min(Bits.Length, other.Length);
        for (int i = 0; i < n; i++) Bits[i] |= other[i];
    }

    /// <summary>Counts the ids; call once the mask is complete.</summary>
    public void Seal()
    {
        int count = 0;
        foreach (ulong w in Bits) count += BitOperations.PopCount(w);
        Count = count;
        _ids = null;
    }

    public void Apply(Span<float> logits)
    {
        if (Count * 8L < logits.Length)
        {
            _ids ??= Ids();
            if (_kept == null || _kept.Length < _ids.Length) _kept = new float[_ids.Length];
            var kept = _kept.AsSpan(0, _ids.Length);
            for (int i = 0; i < _ids.Length; i++) kept[i] = logits[_ids[i]];
            logits.Fill(float.NegativeInfinity);
            for (int i = 0; i < _ids.Length; i++) logits[_ids[i]] = kept[i];
            return;
        }
        for (int w = 0; w < Bits.Length; w++)
        {
            ulong missing = ~Bits[w];
            if (missing == 0) continue;
            int baseId = w << 6;
            for (; missing != 0; missing &= missing - 1)
            {
                int id = baseId + BitOperations.TrailingZeroCount(missing);
                if (id >= logits.Length) return;
                logits[id] = float.NegativeInfinity;
            }
        }
    }

    private int[] Ids()
    {
        var ids = new int[Count];
        int n = 0;
        for (int w = 0; w < Bits.Length; w++)
        {
            for (ulong bits = Bits[w]; bits != 0; bits &= bits - 1) ids[n++] = (w << 6) + BitOperations.TrailingZeroCount(bits);
        }
        return ids;
    }
}
