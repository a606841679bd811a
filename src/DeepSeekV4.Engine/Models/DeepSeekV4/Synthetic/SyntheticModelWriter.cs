using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

/// <summary>What <see cref="SyntheticModelWriter.Write"/> produced.</summary>
public sealed record SyntheticModelSummary(string Path, SyntheticModelSpec Spec, SyntheticWeightMix Weights, ulong Seed,
    int TensorCount, long ParameterCount, long TensorBytes, long FileBytes, TimeSpan Elapsed)
{
    /// <summary>Every file written: the model, or each shard of a split set.</summary>
    public IReadOnlyList<string> Files { get; init; } = [Path];
}

/// <summary>
/// Writes a synthetic DeepSeek V4 GGUF. Tensor data is generated while the file is written, chunk by chunk (a fixed
/// number of rows per chunk, each chunk with its own random stream derived from the seed, the tensor's name and the
/// chunk's index), several chunks at a time in parallel: memory stays at a few MiB whatever the model's size, and the
/// bytes depend only on the seed, never on the thread count.
/// </summary>
public static class SyntheticModelWriter
{
    /// <summary>Target bytes per generated chunk; fixed, because the chunking decides the random streams.</summary>
    private const int ChunkBytes = 1 << 20;
    /// <summary>Room kept on the disk beyond the tensor data (header, metadata, vocabulary).</summary>
    private const long HeaderAllowance = 64L << 20;

    /// <summary>
    /// Writes the model to <paramref name="path"/>, or with <paramref name="split"/> as a split set named after it
    /// (<c>x.gguf</c> → <c>x-00001-of-0000n.gguf</c>, …); the summary's path is then the first shard's.
    /// </summary>
    public static SyntheticModelSummary Write(string path, SyntheticModelSpec spec, SyntheticWeightMix weights, ulong seed,
        Action<long, long>? progress = null, CancellationToken cancellationToken = default, GgufSplitOptions? split = null)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var tensors = SyntheticTensorPlan.Build(spec, weights);
        long tensorBytes = tensors.Sum(t => t.ByteSize);
        string full = System.IO.Path.GetFullPath(path);
        EnsureDiskSpace(full, tensorBytes + HeaderAllowance);

        var writer = CreateWriter(spec, weights, seed, tensors, progress, cancellationToken);
        IReadOnlyList<string> files = [full];
        if (split == null) writer.WriteTo(full);
        else files = writer.WriteSplit(full.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? full[..^".gguf".Length] : full, split);
        return new SyntheticModelSummary(files[0], spec, weights, seed, tensors.Count, tensors.Sum(t => t.ElementCount), tensorBytes,
            files.Sum(f => new FileInfo(f).Length), started.Elapsed) { Files = files };
    }

    /// <summary>
    /// Writes the MTP block of the model <paramref name="spec"/> describes as a separate file: llama.cpp's layout
    /// (the model's metadata with block_count = layers + 1 and nextn_predict_layers = 1, <c>blk.N.*</c>, <c>blk.N.nextn.*</c>
    /// and the MTP's own head as <c>output_hc_*</c>) or ds4's (<c>mtp.0.*</c>; of the metadata only the architecture and
    /// name, ds4.c reading none of it). The tensors' values depend on the seed and their names only, as the model's do.
    /// </summary>
    public static SyntheticModelSummary WriteMtpFile(string path, SyntheticModelSpec spec, SyntheticWeightMix weights, ulong seed, MtpLayout layout,
        CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var tensors = SyntheticTensorPlan.BuildMtpFile(spec, weights, layout);
        long tensorBytes = tensors.Sum(t => t.ByteSize);
        string full = System.IO.Path.GetFullPath(path);
        EnsureDiskSpace(full, tensorBytes + HeaderAllowance);
        var writer = new GgufWriter();
        if (layout == MtpLayout.Ds4File)
        {
            writer.AddMetadata("general.architecture", SyntheticMetadata.Architecture);
            writer.AddMetadata("general.name", $"{spec.Name} MTP (random weights, seed {seed})");
        }
        else
        {
            foreach (var (key, value) in SyntheticMetadata.Build(spec with { Mtp = false }, weights, seed, SyntheticVocabulary.Create(spec.VocabularySize), mtpFile: true))
                writer.AddMetadata(key, value);
        }
        foreach (var tensor in tensors)
            writer.AddTensor(tensor.Name, tensor.Type, tensor.Dimensions,
                stream => WriteTensorData(tensor, SyntheticRandom.Hash(tensor.Name, seed), stream, cancellationToken));
        writer.WriteTo(full);
        return new SyntheticModelSummary(full, spec, weights, seed, tensors.Count, tensors.Sum(t => t.ElementCount), tensorBytes,
            new FileInfo(full).Length, started.Elapsed);
    }

    /// <summary>A GGUF writer holding the model's metadata and tensors, whose data is generated when it is written.</summary>
    public static GgufWriter CreateWriter(SyntheticModelSpec spec, SyntheticWeightMix weights, ulong seed,
        IReadOnlyList<SyntheticTensor>? tensors = null, Action<long, long>? progress = null, CancellationToken cancellationToken = default)
    {
        tensors ??= SyntheticTensorPlan.Build(spec, weights);
        var writer = new GgufWriter();
        foreach (var (key, value) in SyntheticMetadata.Build(spec, weights, seed, SyntheticVocabulary.Create(spec.VocabularySize)))
            writer.AddMetadata(key, value);
        long total = tensors.Sum(t => t.ByteSize), done = 0;
        foreach (var tensor in tensors)
        {
            writer.AddTensor(tensor.Name, tensor.Type, tensor.Dimensions, stream =>
            {
                WriteTensorData(tensor, SyntheticRandom.Hash(tensor.Name, seed), stream, cancellationToken);
                done += tensor.ByteSize;
                progress?.Invoke(done, total);
            });
        }
        return writer;
    }

    private static void WriteTensorData(SyntheticTensor tensor, ulong tensorSeed, Stream stream, CancellationToken cancellationToken)
    {
        int rowBytes = checked((int)(tensor.ByteSize / tensor.RowCount));
        int rowsPerChunk = Math.Max(1, ChunkBytes / rowBytes);
        long chunkCount = (tensor.RowCount + rowsPerChunk - 1) / rowsPerChunk;
        int parallel = (int)Math.Min(chunkCount, 2L * Environment.ProcessorCount);
        // Two sets of chunk buffers: one is written to the file while the next batch is generated into the other.
        var sets = new (byte[][] Buffers, int[] Lengths)[2];
        for (int s = 0; s < 2; s++)
        {
            var buffers = new byte[parallel][];
            for (int i = 0; i < parallel; i++) buffers[i] = new byte[(long)rowsPerChunk * rowBytes];
            sets[s] = (buffers, new int[parallel]);
        }

        Task pending = Task.CompletedTask;
        int current = 0;
        for (long first = 0; first < chunkCount; first += parallel, current ^= 1)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (buffers, lengths) = sets[current];
            int batch = (int)Math.Min(parallel, chunkCount - first);
            long batchFirst = first;
            Parallel.For(0, batch, i =>
            {
                long chunk = batchFirst + i;
                long firstRow = chunk * rowsPerChunk;
                int rows = (int)Math.Min(rowsPerChunk, tensor.RowCount - firstRow);
                var random = SyntheticRandom.For(tensorSeed, (ulong)chunk);
                lengths[i] = rows * rowBytes;
                RandomBlocks.Fill(tensor, firstRow, rows, ref random, buffers[i].AsSpan(0, lengths[i]));
            });
            pending.GetAwaiter().GetResult();
            pending = Task.Run(() =>
            {
                for (int i = 0; i < batch; i++) stream.Write(buffers[i], 0, lengths[i]);
            }, CancellationToken.None);
        }
        pending.GetAwaiter().GetResult();
    }

    private static void EnsureDiskSpace(string path, long needed)
    {
        string? root = System.IO.Path.GetPathRoot(path);
        string directory = System.IO.Path.GetDirectoryName(path) ?? ".";
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"output folder does not exist: {directory}");
        long available;
        try
        {
            available = new DriveInfo(directory).AvailableFreeSpace;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return; // the free space cannot be asked for here; the write itself will report a full disk
        }
        if (needed > available)
            throw new IOException($"{path}: the model needs {needed:N0} bytes but {root} has {available:N0} bytes free");
    }
}
