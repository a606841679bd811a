using System.Diagnostics;
using System.Runtime.CompilerServices;
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

    [ThreadStatic] private static ProductJob? _job;

    /// <summary>One product of <see cref="MatMulMany"/>: its weights, where its input rows start in x, how many, and where its output starts in y.</summary>
    /// <remarks><see cref="Exact"/>: as <see cref="MatMul(TensorView, ReadOnlySpan{float}, int, Span{float}, bool)"/>'s <c>exact</c>.</remarks>
    public readonly record struct ProductPart(TensorView Weight, int InputOffset, int Tokens, int OutputOffset, bool Exact = false);

    /// <summary>y[r] = Σ_i W[r, i] · x[i] for r in [0, W.RowCount).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatVec(TensorView weight, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckShapes(weight, x.Length, 1, y.Length);
        MatVec(weight, x, y, 0, (int)weight.RowCount);
    }

    /// <summary>
    /// y[r] = Σ_i W[r, i] · x[i] for r in [firstRow, firstRow + rowCount) only (y is indexed by row, as for the whole
    /// product); the values equal those of the whole product.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMul(TensorView weight, ReadOnlySpan<float> x, int tokens, Span<float> y) => MatMul(weight, x, tokens, y, exact: false);

    /// <summary>
    /// As <see cref="MatMul(TensorView, ReadOnlySpan{float}, int, Span{float})"/>; with <paramref name="exact"/> the
    /// activations stay float32 whatever the weight format (each weight row is dequantized and dotted in float32, as
    /// DeepSeek's reference code does on dequantized weights), instead of being converted to the format's integer partner.
    /// Not for interleaved weights.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMul(TensorView weight, ReadOnlySpan<float> x, int tokens, Span<float> y, bool exact)
    {
        CheckShapes(weight, x.Length, tokens, y.Length);
        Multiply(weight, x, tokens, y, 0, (int)weight.RowCount, (int)weight.RowCount, exact);
    }

    /// <summary>Σ a·b in float32 (the float kernel the F32 weights use).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (b.Length < a.Length) throw new ArgumentException($"dot of {a.Length} values with only {b.Length}");
        fixed (float* pa = a)
        fixed (float* pb = b)
            return FloatDots.Run<F32Row>(KernelIsa.Selected, (byte*)pa, pb, a.Length);
    }

    /// <summary>
    /// Several independent products in one pass over the pool: for each part, Y = W · X with X the part's
    /// <see cref="ProductPart.Tokens"/> rows of x from <see cref="ProductPart.InputOffset"/> and Y written to y from
    /// <see cref="ProductPart.OutputOffset"/> (row-major, as <see cref="MatMul"/>). Parts that read the same rows of x
    /// share one conversion of them. Each result equals <see cref="MatMul"/> of its part bit for bit; one call instead of
    /// one per part saves a hand-over to the pool threads and its wait for the slowest chunk per part.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MatMulMany(ReadOnlySpan<ProductPart> parts, ReadOnlySpan<float> x, Span<float> y)
    {
        foreach (var part in parts)
        {
            if (part.InputOffset < 0 || part.OutputOffset < 0) throw new ArgumentOutOfRangeException(nameof(parts), $"'{part.Weight.Name}': negative offset");
            CheckShapes(part.Weight, x.Length - part.InputOffset, part.Tokens, (long)y.Length - part.OutputOffset);
        }
        var job = _job ??= new ProductJob();
        fixed (float* px = x)
        fixed (float* py = y)
        {
            try
            {
                foreach (var part in parts)
                {
                    var weight = part.Weight;
                    if (part.Tokens > 0 && weight.RowCount > 0)
                        job.Add(weight, px + part.InputOffset, part.Tokens, py + part.OutputOffset, 0, (int)weight.RowCount, (int)weight.RowCount, part.Exact);
                }
                job.Run();
            }
            finally
            {
                job.Reset(); // also after a refused part: nothing of this call may reach the next
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(TensorView weight, ReadOnlySpan<float> x, int tokens, Span<float> y, int firstRow, int rowCount, int outputs, bool exact = false)
    {
        if (rowCount == 0 || tokens == 0) return;
        var job = _job ??= new ProductJob();
        fixed (float* px = x)
        fixed (float* py = y)
        {
            try
            {
                job.Add(weight, px, tokens, py, firstRow, rowCount, outputs, exact);
                job.Run();
            }
            finally
            {
                job.Reset();
            }
        }
    }

    /// <summary>
    /// The products of one call, shared with the pool threads while it runs (pointers are pinned by the caller): each
    /// part's rows are cut into chunks, numbered across the parts.
    /// </summary>
    private sealed class ProductJob : IChunkedWork
    {
        private struct Part
        {
            public BlockFormat Format;
            public KernelPath Path;
            public byte* Weights;
            public int WeightRowBytes;
            public int N;
            public float* X;
            public GgmlType Encoding;
            public int ActivationIndex;
            public int Tokens;
            public float* Y;
            public int Outputs;
            public int FirstRow;
            public int EndRow;
            public bool Interleaved;
            public int ChunkRows;
            public int FirstChunk;
            public bool Exact;
        }

        private Part[] _parts = new Part[4];
        private int _count;
        private string _firstWeight = "";
        private ActivationRow* _activations;
        private readonly ScratchBuffer _activationScratch = new();
        private ActivationRow[] _activationRows = GC.AllocateArray<ActivationRow>(16, pinned: true);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(TensorView weight, float* x, int tokens, float* y, int firstRow, int rowCount, int outputs, bool exact = false)
        {
            if (exact && weight.IsInterleaved) throw new NotSupportedException($"'{weight.Name}': exact products need the plain layout, not the interleaved one");
            if (weight.IsInterleaved && (firstRow % InterleavedQ8_0.Rows != 0 || rowCount % InterleavedQ8_0.Rows != 0))
                throw new ArgumentException($"rows [{firstRow}, {firstRow + rowCount}) of interleaved tensor '{weight.Name}' do not start and end on groups of {InterleavedQ8_0.Rows}");
            var format = Dequantizer.FormatOf(weight.Type);
            int n = weight.RowLength;
            var activationType = GgmlTypeInfo.Of(format.DotActivation);
            if (n % activationType.BlockSize != 0)
                throw new NotSupportedException($"'{weight.Name}': rows of {n} elements cannot be paired with {activationType.Name} activations");
            if (_count == 0) _firstWeight = weight.Name;
            if (_count == _parts.Length) Array.Resize(ref _parts, 2 * _count);
            _parts[_count++] = new Part
            {
                Format = format, Path = format.KernelPath, Weights = (byte*)weight.Address, WeightRowBytes = weight.RowBytes, N = n,
                X = x, Encoding = format.DotActivation, Tokens = tokens, Y = y, Outputs = outputs,
                FirstRow = firstRow, EndRow = firstRow + rowCount, Interleaved = weight.IsInterleaved, Exact = exact,
            };
        }

        /// <summary>Forgets the parts (their pointers are valid only during the call that added them).</summary>
        public void Reset()
        {
            _count = 0;
            _activations = null;
        }

        /// <summary>Converts the activations and runs every part, over the pool when they are large enough (timed into <see cref="ProductProfile.Active"/> if set).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run()
        {
            if (_count == 0) return;
            var profile = ProductProfile.Active;
            if (profile == null)
            {
                RunParts();
                return;
            }
            long start = Stopwatch.GetTimestamp();
            RunParts();
            profile.Record(_firstWeight, _count, WeightBytes(), Stopwatch.GetTimestamp() - start);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private long WeightBytes()
        {
            long bytes = 0;
            for (int i = 0; i < _count; i++) bytes += (long)(_parts[i].EndRow - _parts[i].FirstRow) * _parts[i].WeightRowBytes;
            return bytes;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunParts()
        {
            PrepareActivations();
            var pool = WorkerPool.Default;
            if (WeightBytes() < ParallelThresholdBytes || pool.ThreadCount == 1)
            {
                for (int i = 0; i < _count; i++) RunRows(ref _parts[i], _parts[i].FirstRow, _parts[i].EndRow);
                return;
            }
            int chunks = 0;
            for (int i = 0; i < _count; i++)
            {
                ref var part = ref _parts[i];
                int rowCount = part.EndRow - part.FirstRow;
                // Several chunks per thread keep every core busy when some run slower; chunk rows stay cache-line aligned.
                part.ChunkRows = Math.Max(RowAlignment, (rowCount / (pool.ThreadCount * 4) + RowAlignment - 1) / RowAlignment * RowAlignment);
                part.FirstChunk = chunks;
                chunks += (rowCount + part.ChunkRows - 1) / part.ChunkRows;
            }
            pool.Run(this, chunks);
        }

        /// <summary>X of every part converted row by row to its kernel's encoding; parts reading the same rows the same way share them.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void PrepareActivations()
        {
            int rows = 0;
            long bytes = 0;
            for (int i = 0; i < _count; i++)
            {
                ref var part = ref _parts[i];
                if (part.Exact) continue;
                int same = SameActivations(i);
                if (same >= 0)
                {
                    part.ActivationIndex = _parts[same].ActivationIndex;
                    continue;
                }
                part.ActivationIndex = rows;
                rows += part.Tokens;
                bytes += (long)part.Tokens * RowStride(part.Encoding, part.N);
            }
            if (_activationRows.Length < rows) _activationRows = GC.AllocateArray<ActivationRow>(Math.Max(rows, 2 * _activationRows.Length), pinned: true);
            byte* buffer = _activationScratch.Get(bytes);
            for (int i = 0; i < _count; i++)
            {
                ref var part = ref _parts[i];
                if (part.Exact || SameActivations(i) >= 0) continue;
                int stride = RowStride(part.Encoding, part.N);
                for (int t = 0; t < part.Tokens; t++)
                {
                    _activationRows[part.ActivationIndex + t] = ActivationRow.Quantize(part.Encoding, new ReadOnlySpan<float>(part.X + (long)t * part.N, part.N), buffer);
                    buffer += stride;
                }
            }
            if (_activationRows.Length > 0) _activations = (ActivationRow*)Unsafe.AsPointer(ref _activationRows[0]); // pinned array
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int SameActivations(int i)
        {
            ref var part = ref _parts[i];
            for (int j = 0; j < i; j++)
            {
                ref var other = ref _parts[j];
                if (!other.Exact && other.X == part.X && other.Tokens == part.Tokens && other.N == part.N && other.Encoding == part.Encoding) return j;
            }
            return -1;
        }

        private static int RowStride(GgmlType encoding, int n) => (ActivationRow.BufferBytes(encoding, n) + 63) & ~63;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Execute(int chunk)
        {
            int i = _count - 1;
            while (_parts[i].FirstChunk > chunk) i--;
            ref var part = ref _parts[i];
            int begin = part.FirstRow + (chunk - part.FirstChunk) * part.ChunkRows;
            RunRows(ref part, begin, Math.Min(part.EndRow, begin + part.ChunkRows));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunRows(ref Part part, int begin, int end)
        {
            if (part.Exact)
            {
                RunRowsExact(ref part, begin, end);
                return;
            }
            var activations = _activations + part.ActivationIndex;
            if (part.Interleaved) InterleavedQ8_0Products.MultiplyRows(part.Path, part.Weights, part.WeightRowBytes, begin, end, activations, part.Tokens, part.Y, part.Outputs, part.N);
            else part.Format.MultiplyRows(part.Path, part.Weights, part.WeightRowBytes, begin, end, activations, part.Tokens, part.Y, part.Outputs, part.N);
        }

        // Exact products: float32 on the dequantized weights, decoded a chunk at a time and dotted with several tokens at once.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void RunRowsExact(ref Part part, int begin, int end) =>
            FloatProducts.MultiplyRows(part.Format, part.Path, part.Weights, part.WeightRowBytes, begin, end, part.X, part.Tokens, part.Y, part.Outputs, part.N);
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
