using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>The shape of a row gather: <see cref="Count"/> token rows of a [TableRows × Cols] table, each written Copies times.</summary>
public struct GatherShape
{
    public int Count;
    public int Cols;
    public int Copies;
    public int TableRows;
    public long RowBytes;
    /// <summary>Parts of eight per row: ⌈Cols / 8⌉.</summary>
    public int Parts;
}

/// <summary>
/// The embedding lookup, generic over the table's weight decoder, one thread per eight values: dst row t·copies + h
/// = row tokens[t] of the table dequantized (ggml's arithmetic, as TensorView.DequantizeRow), for each copy h. A token id
/// outside the table gives a row of NaN (the host checks ids it knows; this keeps the device from reading past the table).
/// </summary>
public static class GatherRowsKernel
{
    public static void Run<TDecoder>(Index1D index, WeightTables tables, ArrayView<byte> table, ArrayView<int> tokens, ArrayView<float> destination, GatherShape shape)
        where TDecoder : struct, IWeightDecoder
    {
        int t = index / shape.Parts, p = index % shape.Parts;
        int first = 8 * p, valid = shape.Cols - first;
        int id = tokens[t];
        var w = id >= 0 && id < shape.TableRows
            ? default(TDecoder).Decode(tables, table, id * shape.RowBytes, p >> 2, p & 3, valid)
            : new Weights8(float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN);
        for (int h = 0; h < shape.Copies; h++)
        {
            long o = ((long)t * shape.Copies + h) * shape.Cols + first;
            destination[o] = w.W0;
            if (valid > 1) destination[o + 1] = w.W1;
            if (valid > 2) destination[o + 2] = w.W2;
            if (valid > 3) destination[o + 3] = w.W3;
            if (valid > 4) destination[o + 4] = w.W4;
            if (valid > 5) destination[o + 5] = w.W5;
            if (valid > 6) destination[o + 6] = w.W6;
            if (valid > 7) destination[o + 7] = w.W7;
        }
    }
}
