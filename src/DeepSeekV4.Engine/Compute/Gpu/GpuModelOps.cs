using DeepSeekV4.Engine.Compute.Gpu.Kernels;
using DeepSeekV4.Engine.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// The launchers of the model's operations on one accelerator (all but attention): each checks its arguments, then
/// enqueues its kernel on the accelerator's default stream (asynchronous; the caller synchronizes when it reads back).
/// Buffers are the caller's, row-major float32 (int for ids, positions and chosen experts). Each operation matches the
/// CPU code named in its kernel's summary: bit for bit for the roundings, the Hadamard transform, the copies and the row
/// gather (where a backend does not fuse a decoder's multiply-subtract), else up to the order of float additions and the
/// last bit of exp/sin/cos.
/// </summary>
public sealed class GpuModelOps(GpuAccelerator gpu)
{
    public GpuAccelerator Accelerator { get; } = gpu;

    /// <summary>dst row t·copies + h = table row tokens[t] dequantized, for t &lt; count and h &lt; copies (the embedding, copied to each hyper-connection stream).</summary>
    public void GatherRows(GpuWeightMatrix table, ArrayView<int> tokens, int count, ArrayView<float> destination, int copies)
    {
        CheckOwner(table.Accelerator, "the table");
        Positive(count, "count");
        Positive(copies, "copies");
        Holds(tokens, count, "tokens", $"{count} token ids");
        Holds(destination, (long)count * copies * table.Cols, "destination", $"{count} tokens × {copies} copies × {table.Cols}");
        var shape = new GatherShape
        {
            Count = count, Cols = table.Cols, Copies = copies, TableRows = table.Rows, RowBytes = table.RowBytes, Parts = (table.Cols + 7) / 8,
        };
        Launch(GpuModelKernels.GatherRowsName(table.Type),
            a => a.LoadAutoGroupedStreamKernel(Delegate<Action<Index1D, WeightTables, ArrayView<byte>, ArrayView<int>, ArrayView<float>, GatherShape>>(
                GpuModelKernels.GatherRowsMethod(table.Type))),
            (long)count * shape.Parts, (k, n) => k(n, Accelerator.Tables, table.Buffer.View, tokens, destination, shape));
    }

    /// <summary>
    /// RMS-normalizes <paramref name="rows"/> rows of <paramref name="dim"/> in place, times <paramref name="weight"/>
    /// (length <paramref name="dim"/>) unless it is empty (Models.DeepSeekV4.RmsNorm.Apply / Normalize per row).
    /// </summary>
    public void RmsNormRows(ArrayView<float> x, int rows, int dim, ArrayView<float> weight, float eps)
    {
        Positive(rows, "rows");
        Positive(dim, "dim");
        Holds(x, (long)rows * dim, "x", $"{rows} rows × {dim}");
        if (weight.Length != 0) Holds(weight, dim, "weight", $"a weight of {dim}");
        var shape = new RmsNormShape { Rows = rows, Dim = dim, Eps = eps, HasWeight = weight.Length != 0 ? 1 : 0 };
        var safeWeight = weight.Length != 0 ? weight : x; // never read without a weight, but a view must be passed
        LaunchWarps(GpuModelKernels.RmsNorm, a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, RmsNormShape>(RmsNormKernel.Run),
            rows, (k, config) => k(config, x, safeWeight, shape));
    }

    /// <summary>
    /// Rotates dims [offset, offset + ropeDim) of each of <paramref name="rows"/> rows (row r at r·rowStride) by angle row
    /// r / rowsPerAngle of <paramref name="cos"/>/<paramref name="sin"/> ([angle rows × ropeDim/2]); back with
    /// <paramref name="inverse"/>. RotaryEmbedding.Rotate: interleaved pairs (x[2i], x[2i+1]).
    /// </summary>
    public void Rotate(ArrayView<float> x, int rows, int rowStride, int offset, int ropeDim, ArrayView<float> cos, ArrayView<float> sin, int rowsPerAngle, bool inverse)
    {
        Positive(rows, "rows");
        Positive(rowsPerAngle, "rowsPerAngle");
        if (ropeDim <= 0 || ropeDim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(ropeDim), ropeDim, "the rotary dims must be positive and even");
        if (offset < 0 || offset + ropeDim > rowStride)
            throw new ArgumentException($"rotary dims [{offset}, {offset + ropeDim}) do not fit in rows of stride {rowStride}");
        Holds(x, (long)(rows - 1) * rowStride + offset + ropeDim, "x", $"{rows} rows of stride {rowStride}");
        long angles = (long)((rows + rowsPerAngle - 1) / rowsPerAngle) * (ropeDim / 2);
        Holds(cos, angles, "cos", $"{(rows + rowsPerAngle - 1) / rowsPerAngle} angle rows × {ropeDim / 2}");
        Holds(sin, angles, "sin", $"{(rows + rowsPerAngle - 1) / rowsPerAngle} angle rows × {ropeDim / 2}");
        var shape = new RotaryShape { Rows = rows, RowStride = rowStride, Offset = offset, Half = ropeDim / 2, RowsPerAngle = rowsPerAngle, Inverse = inverse ? 1 : 0 };
        Launch(GpuModelKernels.Rotate, a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, RotaryShape>(RotaryKernel.Run),
            (long)rows * shape.Half, (k, n) => k(n, x, cos, sin, shape));
    }

    /// <summary>
    /// cos/sin rows ([count × ropeDim/2]) of the positions, as RotaryEmbedding.Angles with its
    /// <paramref name="frequencies"/> (RotaryEmbedding.Frequencies uploaded, YaRN included).
    /// </summary>
    public void AnglesFor(ArrayView<int> positions, int count, ArrayView<float> frequencies, int ropeDim, ArrayView<float> cos, ArrayView<float> sin)
    {
        Positive(count, "count");
        if (ropeDim <= 0 || ropeDim % 2 != 0) throw new ArgumentOutOfRangeException(nameof(ropeDim), ropeDim, "the rotary dims must be positive and even");
        int half = ropeDim / 2;
        Holds(positions, count, "positions", $"{count} positions");
        Holds(frequencies, half, "frequencies", $"{half} frequencies");
        Holds(cos, (long)count * half, "cos", $"{count} × {half}");
        Holds(sin, (long)count * half, "sin", $"{count} × {half}");
        Launch(GpuModelKernels.RotaryAngles,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, ArrayView<float>, int, ArrayView<float>, ArrayView<float>>(RotaryAnglesKernel.Run),
            (long)count * half, (k, n) => k(n, positions, frequencies, half, cos, sin));
    }

    /// <summary>KvCache.Fp8E4M3.Simulate on the first <paramref name="dims"/> values of each row (row r at r·rowStride), in blocks of <paramref name="blockSize"/>.</summary>
    public void SimulateFp8(ArrayView<float> x, int rows, int rowStride, int dims, int blockSize) =>
        RoundBlocks<Fp8E4M3Rounding>(GpuModelKernels.Fp8Rounding, x, x, rows, rowStride, rowStride, dims, blockSize, whole: true);

    /// <summary>KvCache.Fp4E2M1.Simulate on the first <paramref name="dims"/> values of each row, in blocks of <paramref name="blockSize"/>.</summary>
    public void SimulateFp4(ArrayView<float> x, int rows, int rowStride, int dims, int blockSize) =>
        RoundBlocks<Fp4E2M1Rounding>(GpuModelKernels.Fp4Rounding, x, x, rows, rowStride, rowStride, dims, blockSize, whole: true);

    /// <summary>dst = Models.DeepSeekV4.ActivationRounding.Round(src): FP8 e4m3 per 128 values of each row (a shorter tail is one block).</summary>
    public void RoundActivations(ArrayView<float> source, ArrayView<float> destination, int rows, int dim) =>
        RoundBlocks<Fp8E4M3Rounding>(GpuModelKernels.Fp8Rounding, source, destination, rows, dim, dim, dim, 128, whole: false);

    private void RoundBlocks<TFormat>(string name, ArrayView<float> source, ArrayView<float> destination, int rows, int sourceStride, int destinationStride,
        int dims, int blockSize, bool whole) where TFormat : struct, IBlockRounding
    {
        Positive(rows, "rows");
        Positive(dims, "dims");
        Positive(blockSize, "blockSize");
        if (dims > sourceStride) throw new ArgumentException($"{dims} dims do not fit in rows of stride {sourceStride}");
        if (whole && dims % blockSize != 0) throw new ArgumentException($"{dims} dims are not a whole number of blocks of {blockSize}");
        Holds(source, (long)(rows - 1) * sourceStride + dims, "source", $"{rows} rows of stride {sourceStride}");
        Holds(destination, (long)(rows - 1) * destinationStride + dims, "destination", $"{rows} rows of stride {destinationStride}");
        var shape = new BlockRoundingShape
        {
            Rows = rows, SourceStride = sourceStride, DestinationStride = destinationStride, Dims = dims, BlockSize = blockSize,
            BlocksPerRow = (dims + blockSize - 1) / blockSize,
        };
        Launch(name, a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, BlockRoundingShape>(BlockRoundingKernel.Run<TFormat>),
            (long)rows * shape.BlocksPerRow, (k, n) => k(n, source, destination, shape));
    }

    /// <summary>Models.DeepSeekV4.HadamardTransform.Apply on each of <paramref name="rows"/> rows of <paramref name="dim"/> (a power of two), in place.</summary>
    public void Hadamard(ArrayView<float> x, int rows, int dim)
    {
        Positive(rows, "rows");
        if (dim <= 0 || (dim & (dim - 1)) != 0) throw new ArgumentException($"a Hadamard transform of length {dim}: not a power of two", nameof(dim));
        Holds(x, (long)rows * dim, "x", $"{rows} rows × {dim}");
        float scale = (float)Math.Pow(dim, -0.5);
        var config = new KernelConfig(rows, Accelerator.WarpsPerGroup * Accelerator.WarpSize);
        Accelerator.Run(_ => Accelerator.Kernel(GpuModelKernels.Hadamard,
            a => a.LoadStreamKernel<ArrayView<float>, int, int, float>(HadamardKernel.Run))(config, x, rows, dim, scale));
    }

    /// <summary>
    /// HyperConnection.Mixes: mixes[t] = function · streams[t] / rms(streams[t]) for <paramref name="tokens"/> rows of
    /// hc·D streams (the weight product, then the normalization).
    /// </summary>
    public void HyperMixes(GpuWeightMatrix function, ArrayView<float> streams, int tokens, float eps, ArrayView<float> mixes)
    {
        CheckOwner(function.Accelerator, "the mixer function");
        Positive(tokens, "tokens");
        int width = function.Cols, outputs = function.Rows;
        Holds(streams, (long)tokens * width, "streams", $"{tokens} tokens × {width}");
        Holds(mixes, (long)tokens * outputs, "mixes", $"{tokens} tokens × {outputs}");
        Accelerator.Multiply(function, streams, mixes, tokens);
        LaunchWarps(GpuModelKernels.HyperMixNorm,
            a => a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int, float>(HyperMixNormKernel.Run),
            tokens, (k, config) => k(config, streams, mixes, tokens, width, outputs, eps));
    }

    /// <summary>
    /// HyperConnection.Split for each token: mixes [tokens × (2 + hc)·hc] with the mixer's <paramref name="bias"/>
    /// ((2 + hc)·hc) and <paramref name="scale"/> (3) into pre, post [tokens × hc] and comb [tokens × hc × hc] (Sinkhorn).
    /// </summary>
    public void HyperSplit(ArrayView<float> mixes, ArrayView<float> bias, ArrayView<float> scale, int hc, int iterations, float eps,
        ArrayView<float> pre, ArrayView<float> post, ArrayView<float> comb, int tokens)
    {
        Positive(tokens, "tokens");
        Positive(hc, "hc");
        Positive(iterations, "iterations");
        int mix = (2 + hc) * hc;
        Holds(mixes, (long)tokens * mix, "mixes", $"{tokens} tokens × {mix}");
        Holds(bias, mix, "bias", $"{mix} mixer biases");
        Holds(scale, 3, "scale", "3 mixer scales");
        Holds(pre, (long)tokens * hc, "pre", $"{tokens} tokens × {hc}");
        Holds(post, (long)tokens * hc, "post", $"{tokens} tokens × {hc}");
        Holds(comb, (long)tokens * hc * hc, "comb", $"{tokens} tokens × {hc} × {hc}");
        var shape = new HyperSplitShape { Tokens = tokens, Hc = hc, Iterations = iterations, Eps = eps };
        Launch(GpuModelKernels.HyperSplit,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, HyperSplitShape>(
                HyperSplitKernel.Run),
            tokens, (k, n) => k(n, mixes, bias, scale, pre, post, comb, shape));
    }

    /// <summary>HyperConnection.Reduce for each token: hidden[t] = Σ_h pre[t, h]·streams[t, h] ([tokens × hc × d] → [tokens × d]).</summary>
    public void HyperReduce(ArrayView<float> streams, ArrayView<float> pre, int hc, int d, int tokens, ArrayView<float> hidden)
    {
        Positive(tokens, "tokens");
        Positive(hc, "hc");
        Positive(d, "d");
        Holds(streams, (long)tokens * hc * d, "streams", $"{tokens} tokens × {hc} × {d}");
        Holds(pre, (long)tokens * hc, "pre", $"{tokens} tokens × {hc}");
        Holds(hidden, (long)tokens * d, "hidden", $"{tokens} tokens × {d}");
        Launch(GpuModelKernels.HyperReduce,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, ArrayView<float>>(HyperReduceKernel.Run),
            (long)tokens * d, (k, n) => k(n, streams, pre, hc, d, hidden));
    }

    /// <summary>HyperConnection.Expand for each token: next[t, k] = post[t, k]·y[t] + Σ_j comb[t, j, k]·old[t, j].</summary>
    public void HyperExpand(ArrayView<float> y, ArrayView<float> old, ArrayView<float> post, ArrayView<float> comb, int hc, int d, int tokens, ArrayView<float> next)
    {
        Positive(tokens, "tokens");
        Positive(hc, "hc");
        Positive(d, "d");
        Holds(y, (long)tokens * d, "y", $"{tokens} tokens × {d}");
        Holds(old, (long)tokens * hc * d, "old", $"{tokens} tokens × {hc} × {d}");
        Holds(post, (long)tokens * hc, "post", $"{tokens} tokens × {hc}");
        Holds(comb, (long)tokens * hc * hc, "comb", $"{tokens} tokens × {hc} × {hc}");
        Holds(next, (long)tokens * hc * d, "next", $"{tokens} tokens × {hc} × {d}");
        Launch(GpuModelKernels.HyperExpand,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, ArrayView<float>>(HyperExpandKernel.Run),
            (long)tokens * hc * d, (k, n) => k(n, y, old, post, comb, hc, d, next));
    }

    /// <summary>The output head's pre weights: pre[t, h] = σ(headMixes[t, h]·scale0 + base[h]) + eps ([tokens × hc]).</summary>
    public void HeadPre(ArrayView<float> headMixes, float scale0, ArrayView<float> bias, float eps, ArrayView<float> pre, int tokens, int hc)
    {
        Positive(tokens, "tokens");
        Positive(hc, "hc");
        Holds(headMixes, (long)tokens * hc, "headMixes", $"{tokens} tokens × {hc}");
        Holds(bias, hc, "bias", $"{hc} head biases");
        Holds(pre, (long)tokens * hc, "pre", $"{tokens} tokens × {hc}");
        Launch(GpuModelKernels.HeadPre,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, ArrayView<float>, float, int, ArrayView<float>>(HeadPreKernel.Run),
            (long)tokens * hc, (k, n) => k(n, headMixes, scale0, bias, eps, hc, pre));
    }

    /// <summary>x[i] ·= s for i &lt; n.</summary>
    public void Scale(ArrayView<float> x, long n, float s)
    {
        Positive(n, "n");
        Holds(x, n, "x", $"{n} values");
        Launch(GpuModelKernels.Scale, a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(ElementwiseKernels.Scale), n, (k, i) => k(i, x, s));
    }

    /// <summary>dst[i] += src[i] for i &lt; n.</summary>
    public void Add(ArrayView<float> destination, ArrayView<float> source, long n)
    {
        Positive(n, "n");
        Holds(destination, n, "destination", $"{n} values");
        Holds(source, n, "source", $"{n} values");
        Launch(GpuModelKernels.Add, a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ElementwiseKernels.Add),
            n, (k, i) => k(i, destination, source));
    }

    /// <summary>dst[r·dstStride + c] = src[r·srcStride + c] for r &lt; rows, c &lt; cols.</summary>
    public void CopyRows(ArrayView<float> source, int sourceStride, ArrayView<float> destination, int destinationStride, int rows, int cols)
    {
        Positive(rows, "rows");
        Positive(cols, "cols");
        if (cols > sourceStride || cols > destinationStride)
            throw new ArgumentException($"rows of {cols} do not fit in strides {sourceStride} (source) and {destinationStride} (destination)");
        Holds(source, (long)(rows - 1) * sourceStride + cols, "source", $"{rows} rows of stride {sourceStride}");
        Holds(destination, (long)(rows - 1) * destinationStride + cols, "destination", $"{rows} rows of stride {destinationStride}");
        Launch(GpuModelKernels.CopyRows,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, ArrayView<float>, int, int>(CopyRowsKernel.Run),
            (long)rows * cols, (k, n) => k(n, source, sourceStride, destination, destinationStride, cols));
    }

    /// <summary>AttentionLayer's gather of the output groups: [tokens × groups × width] → [groups × tokens × width].</summary>
    public void GatherGroups(ArrayView<float> source, ArrayView<float> destination, int tokens, int groups, int width) =>
        SwapOuterAxes(source, destination, tokens, groups, width);

    /// <summary>AttentionLayer's scatter of the group outputs: [groups × tokens × width] → [tokens × groups × width].</summary>
    public void ScatterGroups(ArrayView<float> source, ArrayView<float> destination, int groups, int tokens, int width) =>
        SwapOuterAxes(source, destination, groups, tokens, width);

    private void SwapOuterAxes(ArrayView<float> source, ArrayView<float> destination, int a, int b, int width)
    {
        Positive(a, "the outer count");
        Positive(b, "the inner count");
        Positive(width, "width");
        long n = (long)a * b * width;
        Holds(source, n, "source", $"{a} × {b} × {width}");
        Holds(destination, n, "destination", $"{b} × {a} × {width}");
        Launch(GpuModelKernels.SwapOuterAxes,
            acc => acc.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(SwapOuterAxesKernel.Run),
            n, (k, i) => k(i, source, destination, a, b, width));
    }

    /// <summary>
    /// MixtureOfExperts.Route for each token: <paramref name="routerLogits"/> [tokens × experts] are replaced by their
    /// scores sqrt(softplus(·)); <paramref name="chosen"/> and <paramref name="weights"/> [tokens × k] receive the experts
    /// and their weights. An empty <paramref name="bias"/> means a hash layer: the experts are row tokenIds[t] of
    /// <paramref name="tokenExperts"/> ([vocab × k]); else top-k of score + bias, the lowest index winning ties.
    /// </summary>
    public void Route(ArrayView<float> routerLogits, int tokens, int experts, int k, ArrayView<float> bias, ArrayView<int> tokenExperts, ArrayView<int> tokenIds,
        bool normalize, float scale, ArrayView<int> chosen, ArrayView<float> weights)
    {
        Positive(tokens, "tokens");
        Positive(k, "k");
        if (experts < k) throw new ArgumentException($"{k} experts per token out of {experts}");
        Holds(routerLogits, (long)tokens * experts, "routerLogits", $"{tokens} tokens × {experts} experts");
        Holds(chosen, (long)tokens * k, "chosen", $"{tokens} tokens × {k}");
        Holds(weights, (long)tokens * k, "weights", $"{tokens} tokens × {k}");
        bool hash = bias.Length == 0;
        if (hash)
        {
            if (tokenExperts.Length == 0 || tokenExperts.Length % k != 0)
                throw new ArgumentException($"a hash layer's token → experts table holds {tokenExperts.Length} ids, not a positive multiple of k = {k}");
            Holds(tokenIds, tokens, "tokenIds", $"{tokens} token ids");
        }
        else Holds(bias, experts, "bias", $"{experts} expert biases");
        var shape = new RouteShape
        {
            Tokens = tokens, Experts = experts, K = k, Hash = hash ? 1 : 0, VocabSize = hash ? (int)(tokenExperts.Length / k) : 0,
            Normalize = normalize ? 1 : 0, Scale = scale,
        };
        // Views the kernel never reads still need to be views: the logits stand in for absent ones.
        var safeBias = hash ? routerLogits : bias;
        var safeTable = hash ? tokenExperts : chosen;
        var safeIds = hash ? tokenIds : chosen;
        Launch(GpuModelKernels.Route,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<float>, RouteShape>(RouteKernel.Run),
            tokens, (kernel, n) => kernel(n, routerLogits, safeBias, safeTable, safeIds, chosen, weights, shape));
    }

    /// <summary>
    /// The grouped expert product: y[s·rows + r] = W_{chosen[s]}[r, :] · x[s / inputDivisor] for slots s &lt; slots
    /// (inputDivisor k: gate/up read their token's row; 1: down reads the slot's own row).
    /// </summary>
    public void ExpertProduct(GpuWeightMatrix weights, ArrayView<int> chosen, int slots, ArrayView<float> x, int inputDivisor, ArrayView<float> y)
    {
        CheckOwner(weights.Accelerator, "the experts");
        Positive(slots, "slots");
        Positive(inputDivisor, "inputDivisor");
        Holds(chosen, slots, "chosen", $"{slots} slots");
        var shape = ExpertShape(weights, slots, inputDivisor, x, y);
        LaunchWarps(GpuModelKernels.ExpertProductName(weights.Type),
            a => a.LoadStreamKernel(Delegate<Action<WeightTables, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ExpertProductShape>>(
                GpuModelKernels.ExpertProductMethod(weights.Type))),
            (long)slots * weights.Rows, (k, config) => k(config, Accelerator.Tables, weights.Buffer.View, chosen, x, y, shape));
    }

    /// <summary>
    /// Groups the routed slots by expert for <see cref="ExpertProductGrouped"/>: <paramref name="groups"/> (at least
    /// <see cref="SlotGroupsLength"/> ints) receives the offsets of each expert's slots (and of those out of range), its
    /// cursors and the slot lists. One grouping serves a layer's gate, up and down products.
    /// </summary>
    public void GroupSlots(ArrayView<int> chosen, int slots, int experts, ArrayView<int> groups)
    {
        Positive(slots, "slots");
        Positive(experts, "experts");
        Holds(chosen, slots, "chosen", $"{slots} slots");
        Holds(groups, SlotGroupsLength(experts, slots), "groups", $"{experts} experts and {slots} slots");
        Accelerator.Run(a => groups.SubView(0, experts + 2).MemSetToZero(a.DefaultStream));
        Launch(GpuModelKernels.SlotCounts, a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, int, ArrayView<int>>(SlotGroupsKernel.Count),
            slots, (k, n) => k(n, chosen, experts, groups));
        Launch(GpuModelKernels.SlotOffsets, a => a.LoadAutoGroupedStreamKernel<Index1D, int, ArrayView<int>>(SlotGroupsKernel.Offsets),
            1, (k, n) => k(n, experts, groups));
        Launch(GpuModelKernels.SlotScatter, a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<int>, int, ArrayView<int>>(SlotGroupsKernel.Scatter),
            slots, (k, n) => k(n, chosen, experts, groups));
    }

    /// <summary>The ints <see cref="GroupSlots"/> needs for <paramref name="experts"/> experts and <paramref name="slots"/> slots.</summary>
    public static long SlotGroupsLength(int experts, int slots) => SlotGroupsKernel.Length(experts, slots);

    /// <summary>
    /// <see cref="ExpertProduct"/> for a batch: the same result, with the slots grouped by <see cref="GroupSlots"/> (for
    /// the experts of <paramref name="weights"/>), so that each expert row is read once per four of its slots instead of once
    /// per slot. For a few slots (decode) the plain <see cref="ExpertProduct"/> launches fewer warps.
    /// </summary>
    public void ExpertProductGrouped(GpuWeightMatrix weights, ArrayView<int> groups, int slots, ArrayView<float> x, int inputDivisor, ArrayView<float> y)
    {
        CheckOwner(weights.Accelerator, "the experts");
        Positive(slots, "slots");
        Positive(inputDivisor, "inputDivisor");
        Holds(groups, SlotGroupsLength(weights.Experts, slots), "groups", $"{weights.Experts} experts and {slots} slots");
        var shape = ExpertShape(weights, slots, inputDivisor, x, y);
        LaunchWarps(GpuModelKernels.GroupedExpertProductName(weights.Type),
            a => a.LoadStreamKernel(Delegate<Action<WeightTables, ArrayView<byte>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ExpertProductShape>>(
                GpuModelKernels.GroupedExpertProductMethod(weights.Type))),
            (long)(weights.Experts + 1) * weights.Rows, (k, config) => k(config, Accelerator.Tables, weights.Buffer.View, groups, x, y, shape));
    }

    private static ExpertProductShape ExpertShape(GpuWeightMatrix weights, int slots, int inputDivisor, ArrayView<float> x, ArrayView<float> y)
    {
        int inputs = (slots + inputDivisor - 1) / inputDivisor;
        Holds(x, (long)inputs * weights.Cols, "x", $"{inputs} input rows × {weights.Cols}");
        Holds(y, (long)slots * weights.Rows, "y", $"{slots} slots × {weights.Rows}");
        return new ExpertProductShape
        {
            Rows = weights.Rows, Cols = weights.Cols, Slots = slots, Experts = weights.Experts, InputDivisor = inputDivisor,
            RowBytes = weights.RowBytes, ExpertBytes = weights.ExpertBytes,
        };
    }

    /// <summary>
    /// The experts' clamped SwiGLU in place over <paramref name="gate"/> ([rows × f]): silu(min(g, c))·clamp(up, ±c), a
    /// clamp of 0 meaning none, times rowWeights[row] unless that is empty (MixtureOfExperts.RunBatch).
    /// </summary>
    public void SwiGlu(ArrayView<float> gate, ArrayView<float> up, int rows, int f, float clamp, ArrayView<float> rowWeights)
    {
        Positive(rows, "rows");
        Positive(f, "f");
        if (clamp < 0 || float.IsNaN(clamp)) throw new ArgumentOutOfRangeException(nameof(clamp), clamp, "the SwiGLU clamp must be 0 (none) or positive");
        Holds(gate, (long)rows * f, "gate", $"{rows} rows × {f}");
        Holds(up, (long)rows * f, "up", $"{rows} rows × {f}");
        bool weighted = rowWeights.Length != 0;
        if (weighted) Holds(rowWeights, rows, "rowWeights", $"{rows} row weights");
        var safeWeights = weighted ? rowWeights : gate;
        Launch(GpuModelKernels.SwiGlu,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, float, ArrayView<float>, int>(SwiGluKernel.Run),
            (long)rows * f, (k, n) => k(n, gate, up, f, clamp, safeWeights, weighted ? 1 : 0));
    }

    /// <summary>output[t] += Σ_s down[t·k + s] for <paramref name="tokens"/> rows of <paramref name="d"/> (the routed experts' outputs, weights already applied).</summary>
    public void ScatterAddSlots(ArrayView<float> down, int tokens, int k, int d, ArrayView<float> output)
    {
        Positive(tokens, "tokens");
        Positive(k, "k");
        Positive(d, "d");
        Holds(down, (long)tokens * k * d, "down", $"{tokens} tokens × {k} slots × {d}");
        Holds(output, (long)tokens * d, "output", $"{tokens} tokens × {d}");
        Launch(GpuModelKernels.ScatterAddSlots,
            a => a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, int, ArrayView<float>>(ScatterAddSlotsKernel.Run),
            (long)tokens * d, (kernel, n) => kernel(n, down, k, d, output));
    }

    /// <summary>Loads (once per accelerator) and launches an implicitly grouped kernel over <paramref name="extent"/> threads.</summary>
    private void Launch<TLauncher>(string name, Func<Accelerator, TLauncher> load, long extent, Action<TLauncher, Index1D> launch) where TLauncher : Delegate
    {
        if (extent > int.MaxValue) throw new ArgumentException($"{name}: {extent} threads are more than one launch holds ({int.MaxValue})");
        Accelerator.Run(_ => launch(Accelerator.Kernel(name, load), new Index1D((int)extent)));
    }

    /// <summary>Loads and launches an explicitly grouped kernel with one warp per item (<paramref name="warps"/> of them).</summary>
    private void LaunchWarps<TLauncher>(string name, Func<Accelerator, TLauncher> load, long warps, Action<TLauncher, KernelConfig> launch) where TLauncher : Delegate
    {
        long groups = (warps + Accelerator.WarpsPerGroup - 1) / Accelerator.WarpsPerGroup;
        if (groups > int.MaxValue) throw new ArgumentException($"{name}: {warps} warps are more than one launch holds");
        var config = new KernelConfig((int)groups, Accelerator.WarpsPerGroup * Accelerator.WarpSize);
        Accelerator.Run(_ => launch(Accelerator.Kernel(name, load), config));
    }

    private static TDelegate Delegate<TDelegate>(System.Reflection.MethodInfo method) where TDelegate : Delegate =>
        (TDelegate)method.CreateDelegate(typeof(TDelegate));

    private void CheckOwner(GpuAccelerator owner, string what)
    {
        if (owner != Accelerator) throw new ArgumentException($"{what} lives on {owner.Id}, not on {Accelerator.Id}");
    }

    private static void Positive(long value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive");
    }

    private static void Holds<T>(ArrayView<T> view, long needed, string name, string what) where T : unmanaged
    {
        if (view.Length < needed) throw new ArgumentException($"{name}: {what} need {needed} values, the buffer holds {view.Length}", name);
    }
}
