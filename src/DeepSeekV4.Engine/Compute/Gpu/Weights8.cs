using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>Eight consecutive weights of a row, decoded to float32 in registers (the unit a decoder produces).</summary>
public readonly struct Weights8(float w0, float w1, float w2, float w3, float w4, float w5, float w6, float w7)
{
    public readonly float W0 = w0, W1 = w1, W2 = w2, W3 = w3, W4 = w4, W5 = w5, W6 = w6, W7 = w7;

    /// <summary>Σ_j W_j·x[offset + j] over the first <paramref name="valid"/> (≤ 8 counts, more means 8) weights, in order.</summary>
    public float Dot(ArrayView<float> x, long offset, int valid)
    {
        if (valid >= 8)
            return W0 * x[offset] + W1 * x[offset + 1] + W2 * x[offset + 2] + W3 * x[offset + 3]
                 + W4 * x[offset + 4] + W5 * x[offset + 5] + W6 * x[offset + 6] + W7 * x[offset + 7];
        float sum = W0 * x[offset];
        if (valid > 1) sum += W1 * x[offset + 1];
        if (valid > 2) sum += W2 * x[offset + 2];
        if (valid > 3) sum += W3 * x[offset + 3];
        if (valid > 4) sum += W4 * x[offset + 4];
        if (valid > 5) sum += W5 * x[offset + 5];
        if (valid > 6) sum += W6 * x[offset + 6];
        return sum;
    }

    /// <summary>Weight <paramref name="j"/> (for tests and host-side checks; kernels use the fields).</summary>
    public float this[int j] => j switch { 0 => W0, 1 => W1, 2 => W2, 3 => W3, 4 => W4, 5 => W5, 6 => W6, _ => W7 };
}
