using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Tensors.Formats;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Engine.Tensors;

/// <summary>
/// Matrix-vector and matrix-matrix products of a weight tensor (rows = output features, ne0 = input features) with
/// float32 activations. Quantized weights are dotted with activations converted once per call to the format's partner
/// encoding (Q8_0 or Q8_K, as ggml does); F32, F16 and BF16 weights are dotted with the float32 activations themselves.
/// Large products are split by output rows over <see cref="WorkerPool.Default"/>. Outputs are written into
/// caller-provided buffers; no allocation per call after warm-up.
/// </summary>
public static unsafe class MatrixProducts
{
    /// <summary>Products whose weights hold fewer bytes than this run on the calling thread alone.</summary>
    public const long ParallelThresholdBytes = 256 * 1024;

    /// <summary>Rows per chunk are a multiple of this, so that threads never write the same cache line of y.</summary>
    private const int RowAlignment = 16;

    [ThreadStatic] private static ScratchBuffer? _activationScratch;
    [ThreadStatic] private static ActivationRow[]? _activationRows;
    [ThreadStatic] private static ProductJob? _job;

    /// <summary>y[r] = Σ_i W[r, i] · x[i] for r in [0, W.RowCount).</summary>
    public static void MatVec(TensorView weight, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckShapes(weight, x.Length, 1, y.Length);
        MatVec(weight, x, y, 0, (int)weight.RowCount);
    }

    /// <summary>
    /// y[r] = Σ_i W[r, i] · x[i] for r in [firstRow, firstRow + rowCount) only (y is indexed by row, as for the whole
    /// product); the values equal those of the whole product.
    /// </summary>
    public static void MatVec(TensorView weight, ReadOnlySpan<float> x, Span<float> y, int firstRow, int rowCount)
    {
        CheckShapes(weight, x.Length, 1, weight.RowCount);
        CheckRange(weight, firstRow, rowCount, y.Length);
        Multiply(weight, x, 1, y, firstRow, rowCount, (int)weight.RowCount);
    }

    /// <summary>
    /// Y[t, r] = Σ_i W[r, i] · X[t, i] for <paramref name="tokens"/> rows of X (row-major [tokens × ne0]) into Y
    /// (row-major [tokens × W.RowCount]). Each weight row is read once for all tokens, and each Y[t, ·] equals
    /// <see cref="MatVec(TensorView, ReadOnlySpan{float}, Span{float})"/> of X[t, ·] bit for bit.
    /// </summary>
    public static void MatMul(TensorView weight, ReadOnlySpan<float> x, int tokens, Span<float> y)
    {
        CheckShapes(weight, x.Length, tokens, y.Length);
        Multiply(weight, x, tokens, y, 0, (int)weight.RowCount, (int)weight.RowCount);
    }

    /// <summary>Σ a·b in float32 (the float kernel the F32 weights use).</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (b.Length < a.Length) throw new ArgumentException($"dot of {a.Length} values with only {b.Length}");
        fixed (float* pa = a)
        fixed (float* pb = b)
            return FloatDots.Run<F32Row>(KernelIsa.Selected, (byte*)pa, pb, a.Length);
    }

    private static void Multiply(TensorView weight, ReadOnlySpan<float> x, int tokens, Span<float> y, int firstRow, int rowCount, int outputs)
    {
        if (rowCount == 0 || tokens == 0) return;
        if (weight.IsInterleaved && (firstRow % InterleavedQ8_0.Rows != 0 || rowCount % InterleavedQ8_0.Rows != 0))
            throw new ArgumentException($"rows [{firstRow}, {firstRow + rowCount}) of interleaved tensor '{weight.Name}' do not start and end on groups of {InterleavedQ8_0.Rows}");
        var format = Dequantizer.FormatOf(weight.Type);
        int n = weight.RowLength;
        var activationType = GgmlTypeInfo.Of(format.DotActivation);
        if (n % activationType.BlockSize != 0)
            throw new NotSupportedException($"'{weight.Name}': rows of {n} elements cannot be paired with {activationType.Name} activations");
        var activations = PrepareActivations(format.DotActivation, x, tokens, n);

        var job = _job ??= new ProductJob();
        fixed (ActivationRow* a = activations)
        fixed (float* py = y)
        {
            job.Set(format, weight, a, tokens, py, outputs, firstRow, rowCount);
            long bytes = (long)rowCount * weight.RowBytes;
            var pool = WorkerPool.Default;
            if (bytes < ParallelThresholdBytes || pool.ThreadCount == 1)
            {
                job.RunRows(firstRow, firstRow + rowCount);
            }
            else
            {
                // Several chunks per thread keep every core busy when some run slower; chunk rows stay cache-line aligned.
                int chunkRows = Math.Max(RowAlignment, (rowCount / (pool.ThreadCount * 4) + RowAlignment - 1) / RowAlignment * RowAlignment);
                job.ChunkRows = chunkRows;
                pool.Run(job, (rowCount + chunkRows - 1) / chunkRows);
            }
            job.Clear();
        }
    }

    /// <summary>X converted row by row to the kernel's activation encoding (float32 rows are copied as they are).</summary>
    private static ActivationRow[] PrepareActivations(GgmlType encoding, ReadOnlySpan<float> x, int tokens, int n)
    {
        int rowBytes = (ActivationRow.BufferBytes(encoding, n) + 63) & ~63;
        byte* buffer = (_activationScratch ??= new()).Get((long)tokens * rowBytes);
        var rows = _activationRows;
        if (rows == null || rows.Length < tokens) _activationRows = rows = new ActivationRow[Math.Max(tokens, 16)];
        for (int t = 0; t < tokens; t++) rows[t] = ActivationRow.Quantize(encoding, x.Slice(t * n, n), buffer + (long)t * rowBytes);
        return rows;
    }

    /// <summary>The state of one product, shared with the pool threads while it runs (pointers are pinned by the caller).</summary>
    private sealed class ProductJob : IChunkedWork
    {
        private BlockFormat? _format;
        private KernelPath _path;
        private byte* _weights;
        private int _weightRowBytes;
        private ActivationRow* _activations;
        private int _tokens;
        private float* _y;
        private int _outputs;
        private int _n;
        private int _firstRow;
        private int _endRow;
        private bool _interleaved;
        public int ChunkRows;

        public void Set(BlockFormat format, TensorView weight, ActivationRow* activations, int tokens, float* y, int outputs, int firstRow, int rowCount)
        {
            _format = format;
            _path = format.KernelPath;
            _weights = (byte*)weight.Address;
            _weightRowBytes = weight.RowBytes;
            _n = weight.RowLength;
            _activations = activations;
            _tokens = tokens;
            _y = y;
            _outputs = outputs;
            _firstRow = firstRow;
            _endRow = firstRow + rowCount;
            _interleaved = weight.IsInterleaved;
        }

        public void Clear()
        {
            _format = null;
            _weights = null;
            _activations = null;
            _y = null;
        }

        public void Execute(int chunk)
        {
            int begin = _firstRow + chunk * ChunkRows;
            RunRows(begin, Math.Min(_endRow, begin + ChunkRows));
        }

        public void RunRows(int begin, int end)
        {
            if (_interleaved) InterleavedQ8_0Products.MultiplyRows(_path, _weights, _weightRowBytes, begin, end, _activations, _tokens, _y, _outputs, _n);
            else _format!.MultiplyRows(_path, _weights, _weightRowBytes, begin, end, _activations, _tokens, _y, _outputs, _n);
        }
    }

    private static void CheckShapes(TensorView weight, int xLength, int tokens, long yLength)
    {
        if (weight.RowCount > int.MaxValue) throw new NotSupportedException($"tensor '{weight.Name}' has too many rows for one product");
        if (tokens < 0) throw new ArgumentOutOfRangeException(nameof(tokens), tokens, "token count must not be negative");
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
