using DeepSeekV4.Engine.Models.DeepSeekV4;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// One layer's mixture of experts for a pass on the device (Models/DeepSeekV4/MixtureOfExperts.cs): router scores and
/// routing (hash or biased top-k), the routed experts as grouped products over each token's chosen experts (gate and up,
/// clamped SwiGLU times the routing weight, down), summed into the tokens' rows, plus the shared expert.
/// </summary>
internal sealed class GpuFeedForward(DeepSeekV4Model model, GpuModelCompute compute, GpuPassBuffers b)
{
    private readonly GpuModelOps _ops = compute.Ops;
    private readonly GpuUploads _w = compute.Weights;
    private readonly bool _round = model.Rounding.RoundsActivations;

    public void Forward(int layer, int tokens)
    {
        var c = model.Config;
        var m = model.Weights.Layers[layer].Moe;
        var gpu = compute.Gpu;
        int k = c.ExpertUsedCount, d = c.HiddenSize, f = c.ExpertFeedForwardLength, slots = tokens * k;
        gpu.Multiply(_w.Matrix(m.Router), b.Hidden, b.Router, tokens);
        _ops.Route(b.Router, tokens, c.ExpertCount, k, m.Bias is null ? ArrayView<float>.Empty : _w.Floats(m.Bias),
            m.TokenExperts is null ? ArrayView<int>.Empty : _w.Ints(m.TokenExperts), b.Tokens, c.ExpertWeightsNorm, c.ExpertWeightsScale,
            b.Chosen, b.RouteWeights);

        var x = Rounded(b.Hidden, b.RoundedHidden, tokens, d);
        _ops.ExpertProduct(_w.Experts(m.Gate), b.Chosen, slots, x, k, b.ExpertGate);
        _ops.ExpertProduct(_w.Experts(m.Up), b.Chosen, slots, x, k, b.ExpertUp);
        _ops.SwiGlu(b.ExpertGate, b.ExpertUp, slots, f, m.ExpertClamp, b.RouteWeights);
        var hidden = Rounded(b.ExpertGate, b.RoundedExpertHidden, slots, f);
        _ops.ExpertProduct(_w.Experts(m.Down), b.Chosen, slots, hidden, 1, b.ExpertDown);
        var output = b.SublayerOutput.SubView(0, (long)tokens * d);
        gpu.Run(a => output.MemSetToZero(a.DefaultStream));
        _ops.ScatterAddSlots(b.ExpertDown, tokens, k, d, output);

        if (m.SharedGate is null) return;
        int fs = (int)m.SharedGate.RowCount;
        gpu.Multiply(_w.Matrix(m.SharedGate), x, b.SharedGate, tokens);
        gpu.Multiply(_w.Matrix(m.SharedUp!), x, b.SharedUp, tokens);
        _ops.SwiGlu(b.SharedGate, b.SharedUp, tokens, fs, m.SharedClamp, ArrayView<float>.Empty);
        var sharedHidden = Rounded(b.SharedGate, b.RoundedExpertHidden, tokens, fs);
        gpu.Multiply(_w.Matrix(m.SharedDown!), sharedHidden, b.SharedDown, tokens);
        _ops.Add(output, b.SharedDown, (long)tokens * d);
    }

    private ArrayView<float> Rounded(ArrayView<float> x, ArrayView<float> rounded, int rows, int dim)
    {
        if (!_round) return x;
        _ops.RoundActivations(x, rounded, rows, dim);
        return rounded;
    }
}
