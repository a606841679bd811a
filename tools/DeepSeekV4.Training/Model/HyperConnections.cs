using TorchSharp;
using static TorchSharp.torch;

namespace DeepSeekV4.Training.Model;

/// <summary>
/// Manifold-constrained hyper-connections over streams X [T, hc, D] (reference §5.3, §5.9): mixes from the flattened,
/// RMS-normalised streams; pre = σ(·)+eps reduces the streams to the sublayer input; post = 2σ(·) spreads its output;
/// comb, Sinkhorn-normalised, mixes the old streams (comb[j, k] takes stream j into stream k).
/// </summary>
public static class HyperConnections
{
    public sealed record Mix(Tensor Post, Tensor Comb);

    /// <summary>Reduces the streams to the sublayer input a [T, D]; returns the mix that <see cref="Expand"/> needs.</summary>
    public static (Tensor Input, Mix Mix) Reduce(Tensor x, Tensor fn, Tensor scale, Tensor bias, int iterations, float hcEps, float normEps)
    {
        long t = x.shape[0], hc = x.shape[1];
        var z = Mixes(x, fn, normEps);
        var pre = (z.narrow(1, 0, hc) * scale[0] + bias.narrow(0, 0, hc)).sigmoid() + hcEps;
        var post = (z.narrow(1, hc, hc) * scale[1] + bias.narrow(0, hc, hc)).sigmoid() * 2;
        var comb = (z.narrow(1, 2 * hc, hc * hc) * scale[2] + bias.narrow(0, 2 * hc, hc * hc)).view(t, hc, hc);
        comb = Sinkhorn(comb, iterations, hcEps);
        var input = (pre.unsqueeze(-1) * x).sum(1);
        return (input, new Mix(post, comb));
    }

    /// <summary>new[k] = post[k] · y + Σ_j comb[j, k] · old[j].</summary>
    public static Tensor Expand(Tensor y, Tensor x, Mix mix) =>
        mix.Post.unsqueeze(-1) * y.unsqueeze(1) + mix.Comb.transpose(1, 2).matmul(x);

    /// <summary>The output head's pre-only mixer: h = Σ_k (σ(z_k · s + b_k) + eps) · X[k].</summary>
    public static Tensor Head(Tensor x, Tensor fn, Tensor scale, Tensor bias, float hcEps, float normEps)
    {
        var z = Mixes(x, fn, normEps);
        var pre = (z * scale[0] + bias).sigmoid() + hcEps;
        return (pre.unsqueeze(-1) * x).sum(1);
    }

    private static Tensor Mixes(Tensor x, Tensor fn, float normEps)
    {
        var flat = x.reshape(x.shape[0], -1);
        var inverseRms = (flat.square().mean([-1], keepdim: true) + normEps).rsqrt();
        return flat.matmul(fn.t()) * inverseRms;
    }

    /// <summary>Row softmax + eps, a column normalisation, then (iterations − 1) row and column normalisations.</summary>
    public static Tensor Sinkhorn(Tensor a, int iterations, float eps)
    {
        var m = a.softmax(-1) + eps;
        m = m / (m.sum(-2, keepdim: true) + eps);
        for (int i = 1; i < iterations; i++)
        {
            m = m / (m.sum(-1, keepdim: true) + eps);
            m = m / (m.sum(-2, keepdim: true) + eps);
        }
        return m;
    }
}
