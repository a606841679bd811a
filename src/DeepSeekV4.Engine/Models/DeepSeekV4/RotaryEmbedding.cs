using System.Runtime.CompilerServices;

namespace DeepSeekV4.Engine.Models.DeepSeekV4;

/// <summary>
/// Interleaved partial RoPE (reference §5.4): pairs (x[2i], x[2i+1]) of the last rotary dims turn by t·f_i. The
/// frequencies follow the reference's float32 recipe, with YaRN's ramp between the beta_fast and beta_slow
/// correction dims when an original context is given (compressed layers), and no magnitude factor.
/// </summary>
public sealed class RotaryEmbedding
{
    public RotaryEmbedding(int ropeDim, float freqBase, int originalContext = 0, float factor = 1f, float betaFast = 32f, float betaSlow = 1f)
    {
        if (ropeDim <= 0 || ropeDim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(ropeDim), ropeDim, "must be positive and even");
        RopeDim = ropeDim;
        int half = ropeDim / 2;
        var freqs = new float[half];
        for (int i = 0; i < half; i++) freqs[i] = 1f / MathF.Pow(freqBase, (float)(2 * i) / ropeDim);
        if (originalContext > 0)
        {
            double low = Math.Max(Math.Floor(CorrectionDim(betaFast, ropeDim, freqBase, originalContext)), 0);
            double high = Math.Min(Math.Ceiling(CorrectionDim(betaSlow, ropeDim, freqBase, originalContext)), ropeDim - 1);
            if (low == high) high += 0.001;
            for (int i = 0; i < half; i++)
            {
                float ramp = Math.Clamp(((float)i - (float)low) / (float)(high - low), 0f, 1f);
                float smooth = 1f - ramp;
                freqs[i] = freqs[i] / factor * (1f - smooth) + freqs[i] * smooth;
            }
        }
        Frequencies = freqs;
    }

    public int RopeDim { get; }
    public float[] Frequencies { get; }

    private static double CorrectionDim(double rotations, int dim, double freqBase, double maxSeqLen) =>
        dim * Math.Log(maxSeqLen / (rotations * 2 * Math.PI)) / (2 * Math.Log(freqBase));

    /// <summary>cos and sin of t·f_i for i = 0..RopeDim/2−1 (angles in float32, as the reference).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Angles(int position, Span<float> cos, Span<float> sin)
    {
        float t = position;
        for (int i = 0; i < Frequencies.Length; i++)
        {
            float angle = t * Frequencies[i];
            cos[i] = MathF.Cos(angle);
            sin[i] = MathF.Sin(angle);
        }
    }

    /// <summary>Rotates the interleaved pairs of <paramref name="x"/> (RopeDim values) forward, or back with <paramref name="inverse"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rotate(Span<float> x, ReadOnlySpan<float> cos, ReadOnlySpan<float> sin, bool inverse = false)
    {
        for (int i = 0; i < cos.Length; i++)
        {
            float a = x[2 * i], b = x[2 * i + 1];
            float c = cos[i], s = inverse ? -sin[i] : sin[i];
            x[2 * i] = a * c - b * s;
            x[2 * i + 1] = a * s + b * c;
        }
    }
}
