using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// The state half of a compressor step (Models/DeepSeekV4/Compressor.Push): for consecutive positions
/// Position + t, the value row u_t and the gate logits g_t + ape[(Position + t) mod ratio] enter the state ring at slot
/// (Position + t) mod RingRows. One thread per (channel, token).
/// </summary>
public static class CompressorStoreKernel
{
    /// <summary>Implicitly grouped: index.X the channel (&lt; Width), index.Y the token.</summary>
    public static void Run(Index2D index, ArrayView<float> values, ArrayView<float> logits, ArrayView<float> ape,
        ArrayView<float> stateValues, ArrayView<float> stateLogits, CompressorShape shape)
    {
        int c = index.X, t = index.Y, width = shape.Width;
        int position = shape.Position + t;
        long source = (long)t * width + c;
        long slot = (long)(position % shape.RingRows) * width + c;
        stateValues[slot] = values[source];
        stateLogits[slot] = logits[source] + ape[(long)(position % shape.Ratio) * width + c];
    }
}
