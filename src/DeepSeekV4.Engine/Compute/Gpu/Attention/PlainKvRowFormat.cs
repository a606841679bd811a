using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>Rows of plain elements (F32, F16, BF16) are encoded in runs of this many elements per unit.</summary>
internal static class PlainKvRowFormat
{
    public const int Run = 32;

    public static int Units(KvRowShape shape) => (shape.Dim + Run - 1) / Run;

    public static int RunEnd(KvRowShape shape, int unit) => unit * Run + Run < shape.Dim ? unit * Run + Run : shape.Dim;

    public static void Write16(ArrayView<byte> rows, long o, uint bits)
    {
        rows[o] = (byte)bits;
        rows[o + 1] = (byte)(bits >> 8);
    }
}
