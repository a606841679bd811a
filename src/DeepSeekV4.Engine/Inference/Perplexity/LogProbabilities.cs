namespace DeepSeekV4.Engine.Inference.Perplexity;

/// <summary>Log-softmax quantities of one logits row, in double precision.</summary>
public static class LogProbabilities
{
    /// <summary>log Σ exp(logits), computed stably (shifted by the maximum).</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits) if (v > max) max = v;
        if (float.IsNegativeInfinity(max)) return double.NegativeInfinity;
        double sum = 0;
        foreach (float v in logits) sum += Math.Exp(v - (double)max);
        return max + Math.Log(sum);
    }

    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>
    /// The <paramref name="ids"/>.Length largest logits, best first (ties: lower id first); returns how many were
    /// found (fewer when the vocabulary is smaller).
    /// </summary>
    public static int TopK(ReadOnlySpan<float> logits, Span<int> ids)
    {
        int k = Math.Min(ids.Length, logits.Length);
        int count = 0;
        for (int v = 0; v < logits.Length; v++)
        {
            float x = logits[v];
            if (count == k && !(x > logits[ids[k - 1]])) continue;
            int i = count < k ? count++ : k - 1;
            // Insert by shifting the smaller entries down.
            while (i > 0 && x > logits[ids[i - 1]])
            {
                ids[i] = ids[i - 1];
                i--;
            }
            ids[i] = v;
        }
        return count;
    }
}
