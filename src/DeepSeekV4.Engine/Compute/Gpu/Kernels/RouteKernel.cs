using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>The constants of a routing: tokens × experts router logits, k chosen per token, hash or biased top-k, weight normalization and scale.</summary>
public struct RouteShape
{
    public int Tokens;
    public int Experts;
    public int K;
    /// <summary>1: hash routing (experts from the token-id table), 0: top-k of score + bias.</summary>
    public int Hash;
    public int VocabSize;
    public int Normalize;
    public float Scale;
}

/// <summary>
/// MoE routing, one thread per token, as MixtureOfExperts.Route: scores sqrt(softplus(logit)) (written over the logits),
/// the experts of the token id's table row (hash layers) or k passes of the best untaken score + bias with the lowest
/// index winning ties (a strict &gt;), then weights = the chosen scores, divided by their sum (in slot order) when
/// normalized, times the scale. A token id outside the table, or a table entry outside the experts, gives NaN weights.
/// </summary>
public static class RouteKernel
{
    public static void Run(Index1D t, ArrayView<float> logits, ArrayView<float> bias, ArrayView<int> tokenExperts, ArrayView<int> tokenIds,
        ArrayView<int> chosen, ArrayView<float> weights, RouteShape shape)
    {
        int e = shape.Experts, k = shape.K;
        long l = (long)t.X * e, o = (long)t.X * k;
        for (int j = 0; j < e; j++) logits[l + j] = SqrtSoftplus(logits[l + j]);
        bool valid = true;
        if (shape.Hash != 0)
        {
            int id = tokenIds[t];
            bool known = id >= 0 && id < shape.VocabSize;
            for (int s = 0; s < k; s++)
            {
                int expert = known ? tokenExperts[(long)id * k + s] : -1;
                if (expert < 0 || expert >= e) valid = false;
                chosen[o + s] = expert;
            }
        }
        else
        {
            for (int s = 0; s < k; s++)
            {
                int best = -1;
                float bestValue = float.NegativeInfinity;
                for (int j = 0; j < e; j++)
                {
                    float v = logits[l + j] + bias[j];
                    if ((best < 0 || v > bestValue) && !Taken(chosen, o, s, j))
                    {
                        best = j;
                        bestValue = v;
                    }
                }
                chosen[o + s] = best;
            }
        }
        float sum = 0;
        for (int s = 0; s < k; s++)
        {
            float w = valid ? logits[l + chosen[o + s]] : float.NaN;
            weights[o + s] = w;
            sum += w;
        }
        for (int s = 0; s < k; s++)
        {
            float w = weights[o + s];
            if (shape.Normalize != 0) w /= sum;
            weights[o + s] = w * shape.Scale;
        }
    }

    /// <summary>sqrt(softplus(z)) as MixtureOfExperts.SqrtSoftplus: z above 20, else ln(1 + e^z) in double rounded to float, then the float root.</summary>
    public static float SqrtSoftplus(float z) => DeviceMath.SqrtF(z > 20f ? z : (float)DeviceMath.Log(1.0 + DeviceMath.Exp(z)));

    private static bool Taken(ArrayView<int> chosen, long o, int count, int j)
    {
        for (int s = 0; s < count; s++)
            if (chosen[o + s] == j) return true;
        return false;
    }
}
