using DeepSeekV4.Engine.Models.DeepSeekV4;
using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

/// <summary>
/// Interleaved partial RoPE on the last rotary dims (reference §5.4), with the engine's frequencies (YaRN on the
/// compressed layers): cos and sin tables for a range of positions, applied to pairs (x[2i], x[2i+1]).
/// </summary>
public sealed class Rotary
{
    public Rotary(RotaryEmbedding engine, int positions)
    {
        int half = engine.Frequencies.Length;
        var angles = new float[positions * half];
        for (int t = 0; t < positions; t++)
            for (int i = 0; i < half; i++) angles[t * half + i] = t * engine.Frequencies[i];
        var a = tensor(angles, [positions, half]);
        Cos = a.cos();
        Sin = a.sin();
        RopeDim = engine.RopeDim;
    }

    public Tensor Cos { get; }
    public Tensor Sin { get; }
    public int RopeDim { get; }
    public long Positions => Cos.shape[0];

    /// <summary>
    /// Rotates the last <see cref="RopeDim"/> values of x [..., n] whose leading dim is the position dim
    /// (x [T, n] or x [T, heads, n]); <paramref name="positions"/> [T] selects table rows (null: 0..T−1).
    /// </summary>
    public Tensor Apply(Tensor x, Tensor? positions = null, bool inverse = false)
    {
        long t = x.shape[0], n = x.shape[^1];
        if (positions is null && t > Positions) throw new ArgumentException($"RoPE table holds {Positions} positions, {t} asked");
        var cos = positions is null ? Cos.narrow(0, 0, t) : Cos.index_select(0, positions);
        var sin = positions is null ? Sin.narrow(0, 0, t) : Sin.index_select(0, positions);
        if (inverse) sin = -sin;
        for (int i = 1; i < x.dim() - 1; i++)
        {
            cos = cos.unsqueeze(1);
            sin = sin.unsqueeze(1);
        }
        var plain = x.narrow(-1, 0, n - RopeDim);
        var pairs = x.narrow(-1, n - RopeDim, RopeDim).reshape([.. x.shape[..^1], RopeDim / 2, 2]);
        var a = pairs.select(-1, 0);
        var b = pairs.select(-1, 1);
        var rotated = stack([a * cos - b * sin, a * sin + b * cos], -1).reshape([.. x.shape[..^1], RopeDim]);
        return cat([plain, rotated], -1);
    }
}
