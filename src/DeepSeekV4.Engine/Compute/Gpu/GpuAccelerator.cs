using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Tables;
using ILGPU;
using ILGPU.Runtime;

namespace DeepSeekV4.Engine.Compute.Gpu;

/// <summary>
/// One opened accelerator, shared by the process (get it from <see cref="GpuDevices.Get"/>): ggml's lookup tables
/// uploaded once, each weight kernel compiled and loaded once on first use, weights uploaded as raw ggml blocks, and
/// weight products launched one warp per row. Calls are serialized: one accelerator stream.
/// </summary>
public sealed class GpuAccelerator
{
    private readonly Lock _gate = new();
    private readonly Dictionary<GgmlType, WeightProductLauncher> _kernels = [];
    private readonly Dictionary<string, Delegate> _launchers = new(StringComparer.Ordinal);
    private readonly MemoryBuffer1D<ulong, Stride1D.Dense> _iq2XxsGrid;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _kSignsIq2Xs;
    private readonly MemoryBuffer1D<sbyte, Stride1D.Dense> _kValuesMxfp4;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _mxfp4Scale;

    internal GpuAccelerator(string id, string name, GpuDeviceKind kind, Accelerator accelerator)
    {
        Id = id;
        Name = name;
        Kind = kind;
        Accelerator = accelerator;
        WarpSize = accelerator.WarpSize;
        WarpsPerGroup = Math.Max(1, Math.Min(4, accelerator.MaxNumThreadsPerGroup / accelerator.WarpSize));
        _iq2XxsGrid = accelerator.Allocate1D(GgmlTables.Iq2XxsGrid);
        _kSignsIq2Xs = accelerator.Allocate1D(GgmlTables.KSignsIq2Xs);
        _kValuesMxfp4 = accelerator.Allocate1D(GgmlTables.KValuesMxfp4);
        _mxfp4Scale = accelerator.Allocate1D(GgmlTables.Mxfp4E8M0Scale);
        Tables = new WeightTables
        {
            Iq2XxsGrid = _iq2XxsGrid.View,
            KSignsIq2Xs = _kSignsIq2Xs.View,
            KValuesMxfp4 = _kValuesMxfp4.View,
            Mxfp4Scale = _mxfp4Scale.View,
        };
    }

    /// <summary>"cuda:0", "simulator:0", …</summary>
    public string Id { get; }

    public string Name { get; }

    public GpuDeviceKind Kind { get; }

    internal Accelerator Accelerator { get; }

    public int WarpSize { get; }

    /// <summary>Warps (rows) per group of a weight product.</summary>
    public int WarpsPerGroup { get; }

    public long MemoryBytes => Accelerator.MemorySize;

    internal WeightTables Tables { get; }

    /// <summary>Uploads a [rows × cols] weight of <paramref name="type"/> as its raw ggml blocks (rows packed, row after row).</summary>
    public unsafe GpuWeightMatrix Upload(GgmlType type, int rows, int cols, ReadOnlySpan<byte> blocks)
    {
        fixed (byte* address = blocks) return UploadExperts(type, 1, rows, cols, address, blocks.Length);
    }

    /// <summary>
    /// Uploads <paramref name="experts"/> stacked [rows × cols] weights of <paramref name="type"/> (a layer's routed
    /// experts: expert after expert, each row after row) as their raw ggml blocks, for the expert products.
    /// </summary>
    public unsafe GpuWeightMatrix UploadExperts(GgmlType type, int experts, int rows, int cols, ReadOnlySpan<byte> blocks)
    {
        fixed (byte* address = blocks) return UploadExperts(type, experts, rows, cols, address, blocks.Length);
    }

    /// <summary>
    /// As <see cref="UploadExperts(GgmlType, int, int, int, ReadOnlySpan{byte})"/> from <paramref name="bytes"/> bytes at
    /// <paramref name="address"/> (a mapped GGUF), which may exceed a span's 2 GiB: V4-Flash's Q8_0 expert stacks are 2.3 GB.
    /// </summary>
    public unsafe GpuWeightMatrix UploadExperts(GgmlType type, int experts, int rows, int cols, byte* address, long bytes, int chunkBytes = UploadChunkBytes)
    {
        long rowBytes = CheckBlocks(type, experts, rows, cols, bytes);
        return new GpuWeightMatrix(this, type, experts, rows, cols, rowBytes, UploadBytes(address, bytes, chunkBytes));
    }

    /// <summary>The most bytes copied to the device in one call (a span's length is an int).</summary>
    public const int UploadChunkBytes = 1 << 30;

    /// <summary>The bytes of a row, after checking the type has a kernel and the blocks fill <paramref name="matrices"/> [rows × cols] matrices exactly.</summary>
    private static long CheckBlocks(GgmlType type, int matrices, int rows, int cols, long bytes)
    {
        var info = GgmlTypeInfo.Of(type);
        GpuWeightKernels.For(type);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(matrices);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if (cols % info.BlockSize != 0)
            throw new ArgumentException($"{info.Name}: a row of {cols} is not a multiple of the block size {info.BlockSize}");
        long rowBytes = info.RowBytes(cols);
        long expected = (long)matrices * rows * rowBytes;
        if (bytes != expected)
        {
            string shape = matrices == 1 ? $"[{rows} × {cols}]" : $"{matrices} × [{rows} × {cols}]";
            throw new ArgumentException($"{info.Name} {shape}: {expected} bytes expected, got {bytes}");
        }
        return rowBytes;
    }

    private unsafe MemoryBuffer1D<byte, Stride1D.Dense> UploadBytes(byte* address, long length, int chunkBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkBytes);
        lock (_gate)
        {
            Accelerator.Bind();
            var buffer = Accelerator.Allocate1D<byte>(length);
            for (long offset = 0; offset < length; offset += chunkBytes)
            {
                int count = (int)Math.Min(chunkBytes, length - offset);
                var chunk = new ReadOnlySpan<byte>(address + offset, count);
                buffer.View.SubView(offset, count).CopyFromCPU(Accelerator.DefaultStream, in chunk);
            }
            return buffer;
        }
    }

    /// <summary>Allocates a float32 buffer on this accelerator (activations, results).</summary>
    public MemoryBuffer1D<float, Stride1D.Dense> Allocate(long length)
    {
        lock (_gate)
        {
            Accelerator.Bind();
            return Accelerator.Allocate1D<float>(length);
        }
    }

    /// <summary>
    /// y[t·rows + r] = Σ_c W[r, c]·x[t·cols + c] for the <paramref name="count"/> vectors in <paramref name="x"/>
    /// (row-major, cols each), on the device; asynchronous on the accelerator's stream.
    /// </summary>
    public void Multiply(GpuWeightMatrix weights, ArrayView<float> x, ArrayView<float> y, int count)
    {
        if (weights.Accelerator != this) throw new ArgumentException($"the weight lives on {weights.Accelerator.Id}, not on {Id}");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (x.Length < (long)count * weights.Cols)
            throw new ArgumentException($"{count} vectors of {weights.Cols} need {(long)count * weights.Cols} floats in x, got {x.Length}");
        if (y.Length < (long)count * weights.Rows)
            throw new ArgumentException($"{count} vectors × {weights.Rows} rows need {(long)count * weights.Rows} floats in y, got {y.Length}");
        var shape = new MatMulShape { Rows = weights.Rows, Cols = weights.Cols, Count = count, RowBytes = weights.RowBytes };
        var groups = (weights.Rows + WarpsPerGroup - 1) / WarpsPerGroup;
        lock (_gate)
        {
            Accelerator.Bind();
            var launch = KernelFor(weights.Type);
            launch(new KernelConfig(groups, WarpsPerGroup * WarpSize), Tables, weights.Buffer.View, x, y, shape);
        }
    }

    /// <summary>The host-side convenience: uploads x, multiplies, waits and returns y (count × rows floats).</summary>
    public float[] Multiply(GpuWeightMatrix weights, ReadOnlySpan<float> x, int count)
    {
        using var xs = Allocate(Math.Max(1, x.Length));
        using var ys = Allocate((long)count * weights.Rows);
        lock (_gate)
        {
            Accelerator.Bind();
            xs.View.SubView(0, x.Length).CopyFromCPU(Accelerator.DefaultStream, in x);
        }
        Multiply(weights, xs.View, ys.View, count);
        var y = new float[(long)count * weights.Rows];
        lock (_gate)
        {
            Accelerator.Bind();
            Accelerator.Synchronize();
            ys.View.CopyToCPU(Accelerator.DefaultStream, y);
            Accelerator.Synchronize();
        }
        return y;
    }

    /// <summary>
    /// Runs <paramref name="action"/> with this accelerator bound, serialized with every other call (one stream). Kernel
    /// launchers of the backend's operations go through here, so that launches from several threads never interleave.
    /// </summary>
    internal void Run(Action<Accelerator> action)
    {
        lock (_gate)
        {
            Accelerator.Bind();
            action(Accelerator);
        }
    }

    /// <summary>Like <see cref="Run(Action{Accelerator})"/>, returning a value.</summary>
    internal T Run<T>(Func<Accelerator, T> function)
    {
        lock (_gate)
        {
            Accelerator.Bind();
            return function(Accelerator);
        }
    }

    /// <summary>
    /// A kernel launcher loaded once per accelerator under <paramref name="name"/> (compiled on first use in this process);
    /// the caller holds the gate (inside <see cref="Run(Action{Accelerator})"/>).
    /// </summary>
    internal TLauncher Kernel<TLauncher>(string name, Func<Accelerator, TLauncher> load) where TLauncher : Delegate
    {
        if (!_launchers.TryGetValue(name, out var launcher)) _launchers[name] = launcher = load(Accelerator);
        return (TLauncher)launcher;
    }

    /// <summary>Loads (compiling on first use in this process) the weight product kernel of <paramref name="type"/>; caller holds the gate.</summary>
    private WeightProductLauncher KernelFor(GgmlType type)
    {
        if (!_kernels.TryGetValue(type, out var launch))
            _kernels[type] = launch = GpuWeightKernels.For(type).Load(Accelerator);
        return launch;
    }

    /// <summary>Loads every weight kernel now (so that a first token does not pay the compiles).</summary>
    public void LoadAllKernels()
    {
        lock (_gate)
        {
            Accelerator.Bind();
            foreach (var k in GpuWeightKernels.All) KernelFor(k.Type);
        }
    }

    public override string ToString() => $"{Id} {Name}";
}
