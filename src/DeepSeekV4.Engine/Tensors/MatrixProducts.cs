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
        var row = RowScratch(weight.RowLength);
        for (long r = 0; r < weight.RowCount; r++)
        {
            weight.DequantizeRow(r, row);
            y[(int)r] = Dot(row, x);
        }
    }

    /// <summary>
    /// Y[t, r] = Σ_i W[r, i] · X[t, i] for <paramref name="tokens"/> rows of X (row-major [tokens × ne0]) into Y
    /// (row-major [tokens × W.RowCount]). Each weight row is decoded once for all tokens.
    /// </summary>
    public static void MatMul(TensorView weight, ReadOnlySpan<float> x, int tokens, Span<float> y)
    {
        CheckShapes(weight, x.Length, tokens, y.Length);
        int n = weight.RowLength;
        int outputs = (int)weight.RowCount;
        var row = RowScratch(n);
        for (int r = 0; r < outputs; r++)
        {
            weight.DequantizeRow(r, row);
            for (int t = 0; t < tokens; t++) y[t * outputs + r] = Dot(row, x.Slice(t * n, n));
        }
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        System.Numerics.Tensors.TensorPrimitives.Dot(a, b[..a.Length]);

    private static Span<float> RowScratch(int length)
    {
        var buffer = _rowScratch;
        if (buffer == null || buffer.Length < length) _rowScratch = buffer = new float[Math.Max(length, 4096)];
        return buffer.AsSpan(0, length);
    }

    private static void CheckShapes(TensorView weight, int xLength, int tokens, int yLength)
    {
        if (weight.RowCount > int.MaxValue) throw new NotSupportedException($"tensor '{weight.Name}' has too many rows for one product");
        if (xLength < (long)tokens * weight.RowLength)
            throw new ArgumentException($"'{weight.Name}': input holds {xLength} values, {tokens} × {weight.RowLength} needed");
        if (yLength < tokens * weight.RowCount)
            throw new ArgumentException($"'{weight.Name}': output holds {yLength} values, {tokens} × {weight.RowCount} needed");
    }
}
