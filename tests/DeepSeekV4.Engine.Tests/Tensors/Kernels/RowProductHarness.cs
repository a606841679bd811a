using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tests.Tensors.Kernels;

/// <summary>
/// Runs a block product as MatrixProducts prepares it: x ([tokens × n]) quantized per token into
/// <paramref name="encoding"/>, outputs pre-filled with NaN so that rows a product must not touch stay NaN.
/// </summary>
internal static unsafe class RowProductHarness
{
    public delegate void Product(ActivationRow* activations, float* y);

    public static float[] Run(GgmlType encoding, float[] x, int tokens, int n, int outputs, Product product)
    {
        int activationBytes = (ActivationRow.BufferBytes(encoding, n) + 63) & ~63;
        var scratch = new ScratchBuffer();
        byte* buffer = scratch.Get((long)tokens * activationBytes);
        var activations = new ActivationRow[tokens];
        for (int t = 0; t < tokens; t++) activations[t] = ActivationRow.Quantize(encoding, x.AsSpan(t * n, n), buffer + t * activationBytes);
        var y = Enumerable.Repeat(float.NaN, tokens * outputs).ToArray();
        fixed (ActivationRow* a = activations)
        fixed (float* py = y)
            product(a, py);
        GC.KeepAlive(scratch); // it owns the activation memory
        return y;
    }
}
