using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

/// <summary>
/// DeepSeek V4's quantization-aware simulations as fake quantization (architecture reference §5.10): FP8 e4m3 per
/// 64 values and FP4 e2m1 per 32 values, each block with a power-of-two scale, round to nearest even. The forward
/// value is the rounded one; the gradient passes straight through.
/// </summary>
public static class QatSimulation
{
    private const double Fp8Max = 448, Fp8AmaxFloor = 1e-4;
    private const double Fp4Max = 6;
    private static readonly double Fp4AmaxFloor = 6 * Math.Pow(2, -126);

    /// <summary>FP8 e4m3 rounding of the last dimension in blocks of <paramref name="block"/> values.</summary>
    public static Tensor Fp8(Tensor v, int block = 64) => StraightThrough(v, RoundBlocks(v, block, Fp8Max, Fp8AmaxFloor, Fp8Grid));

    /// <summary>FP4 e2m1 rounding of the last dimension in blocks of <paramref name="block"/> values.</summary>
    public static Tensor Fp4(Tensor v, int block = 32) => StraightThrough(v, RoundBlocks(v, block, Fp4Max, Fp4AmaxFloor, Fp4Grid));

    private static Tensor StraightThrough(Tensor v, Tensor rounded) => v + (rounded - v).detach();

    private static Tensor RoundBlocks(Tensor v, int block, double max, double amaxFloor, Func<Tensor, Tensor> grid)
    {
        using var _ = no_grad();
        long n = v.shape[^1];
        if (n % block != 0) throw new ArgumentException($"QAT rounding: the last dimension {n} is not a multiple of the block {block}");
        var shape = v.shape;
        var blocks = v.reshape([.. shape[..^1], n / block, block]);
        var amax = blocks.abs().max(-1, keepdim: true).values.clamp_min(amaxFloor);
        var exponent = (amax / max).log2().ceil();
        var scale = full_like(exponent, 2.0).pow(exponent);
        var y = (blocks / scale).clamp(-max, max);
        return (grid(y) * scale).reshape(shape);
    }

    // e4m3: quantum 2^(e-3) in binade e, subnormals (below 2^-6) share 2^-9.
    private static Tensor Fp8Grid(Tensor y)
    {
        var a = y.abs();
        var e = FloorLog2(a).clamp_min(-6);
        var quantum = full_like(e, 2.0).pow(e - 3);
        return (y / quantum).round() * quantum;
    }

    // e2m1 magnitudes {0, 0.5, 1, 1.5, 2, 3, 4, 6}: quantum 0.5 below 2, 1 below 4, else 2.
    private static Tensor Fp4Grid(Tensor y)
    {
        var a = y.abs();
        var quantum = where(a < 2, 0.5, where(a < 4, 1.0, 2.0)).to_type(y.dtype);
        return (y / quantum).round() * quantum;
    }

    /// <summary>floor(log2(a)) exactly (a float log2 may round across a power of two); 0 maps to a large negative.</summary>
    private static Tensor FloorLog2(Tensor a)
    {
        var safe = a.clamp_min(1e-30);
        var e = safe.log2().floor();
        var p = full_like(e, 2.0).pow(e);
        e = where(p > safe, e - 1, e);
        e = where(p * 2 <= safe, e + 1, e);
        return e;
    }

    /// <summary>The orthonormal Walsh–Hadamard matrix of size n (Sylvester order, scaled by n^-1/2); symmetric.</summary>
    public static Tensor Hadamard(int n)
    {
        if (n <= 0 || (n & (n - 1)) != 0) throw new ArgumentException($"Hadamard size {n} is not a power of two");
        var h = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                h[i * n + j] = (System.Numerics.BitOperations.PopCount((uint)(i & j)) & 1) == 0 ? 1f : -1f;
        return tensor(h, [n, n]) * (float)Math.Pow(n, -0.5);
    }
}
