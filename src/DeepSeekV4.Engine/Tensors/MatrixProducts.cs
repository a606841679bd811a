using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Tensors;

/// <summary>
/// Matrix-vector and matrix-matrix products of a weight tensor (rows = output features, ne0 = input features) with
/// float32 activations. Outputs are written into caller-provided buffers; no allocation per call after warm-up.
/// </summary>
public static class MatrixProducts
{
    [ThreadStatic] private static float[]? _rowScratch;

    /// <summary>y[r] = Σ_i W[r, i] · x[i] for r in [0, W.RowCount).</summary>
    public static void MatVec(TensorView weight, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckShapes(weight, x.Length, 1, y.Length);
        MatVec(weight, x, y, 0, (int)weight.RowCount);
    }

    /// <summary>
    /// y[r] = Σ_i W[r, i] · x[i] for r in [firstRow, firstRow + rowCount) only (y is indexed by row, as for the whole
    /// product), so that callers can split one product's rows between threads.
    /// </summary>
    public static void MatVec(TensorView weight, ReadOnlySpan<float> x, Span<float> y, int firstRow, int rowCount)
    {
        CheckShapes(weight, x.Length, 1, weight.RowCount);
        CheckRange(weight, firstRow, rowCount, y.Length);
        x = x[..weight.RowLength];
        for (int r = firstRow; r < firstRow + rowCount; r++) y[r] = RowDot(weight, r, x);
    }

    /// <summary>
    /// Y[t, r] = Σ_i W[r, i] · X[t, i] for <paramref name="tokens"/> rows of X (row-major [tokens × ne0]) into Y
    /// (row-major [tokens × W.RowCount]). Each Y[t, ·] equals <see cref="MatVec(TensorView, ReadOnlySpan{float}, Span{float})"/> of X[t, ·] exactly.
    /// </summary>
    public static void MatMul(TensorView weight, ReadOnlySpan<float> x, int tokens, Span<float> y)
    {
        CheckShapes(weight, x.Length, tokens, y.Length);
        int n = weight.RowLength;
        int outputs = (int)weight.RowCount;
        for (int t = 0; t < tokens; t++) MatVec(weight, x.Slice(t * n, n), y.Slice(t * outputs, outputs), 0, outputs);
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b[..a.Length]);

    private static float RowDot(TensorView weight, int r, ReadOnlySpan<float> x)
    {
        if (weight.Type == GgmlType.F32) return Dot(MemoryMarshal.Cast<byte, float>(weight.Row(r)), x);
        var row = RowScratch(weight.RowLength);
        weight.DequantizeRow(r, row);
        return Dot(row, x);
    }

    private static Span<float> RowScratch(int length)
    {
        var buffer = _rowScratch;
        if (buffer == null || buffer.Length < length) _rowScratch = buffer = new float[Math.Max(length, 4096)];
        return buffer.AsSpan(0, length);
    }

    private static void CheckShapes(TensorView weight, int xLength, int tokens, long yLength)
    {
        if (weight.RowCount > int.MaxValue) throw new NotSupportedException($"tensor '{weight.Name}' has too many rows for one product");
        if (xLength < (long)tokens * weight.RowLength)
            throw new ArgumentException($"'{weight.Name}': input holds {xLength} values, {tokens} × {weight.RowLength} needed");
        if (yLength < tokens * weight.RowCount)
            throw new ArgumentException($"'{weight.Name}': output holds {yLength} values, {tokens} × {weight.RowCount} needed");
    }

    private static void CheckRange(TensorView weight, int firstRow, int rowCount, int yLength)
    {
        if (firstRow < 0 || rowCount < 0 || (long)firstRow + rowCount > weight.RowCount)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"rows [{firstRow}, {(long)firstRow + rowCount}) of '{weight.Name}' with {weight.RowCount} rows");
        if (yLength < firstRow + rowCount)
            throw new ArgumentException($"'{weight.Name}': output holds {yLength} values, rows up to {firstRow + rowCount} requested");
    }
}
