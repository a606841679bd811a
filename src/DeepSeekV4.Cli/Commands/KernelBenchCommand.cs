using System.Diagnostics;
using System.Globalization;
using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Tensors;
using DeepSeekV4.Engine.Tensors.Kernels;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 kernel-bench`: the speed of MatVec (tokens = 1) or MatMul on a synthetic weight matrix per tensor type, as
/// weight bytes streamed per second, for the kernel path DSV4_KERNELS selects (default: the best the CPU has).
/// </summary>
public sealed class KernelBenchCommand : ICliCommand, IFlagDeclaringCommand
{
    public string Name => "kernel-bench";
    public string Usage => "kernel-bench [--types q8_0,q4_k,...] [--rows 4096] [--cols 4096] [--tokens 1] [--threads N] [--seconds 2] [--interleaved] [--matrices K] [--versus-read]";

    public IEnumerable<string> Flags => ["interleaved", "versus-read"];

    public int Run(CliArguments args, TextWriter output)
    {
        var types = (args.Get("types") ?? "f32,f16,bf16,q8_0,q4_0,mxfp4,q2_k,q4_k,q5_k,q6_k,iq2_xxs,iq2_xs,iq3_xxs,iq4_xs")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => GgmlTypeInfo.TryParse(name, out var info) ? info.Type : throw new CliUsageException($"unknown tensor type '{name}'"))
            .ToArray();
        int rows = args.GetInt("rows", 4096), cols = args.GetInt("cols", 4096), tokens = args.GetInt("tokens", 1);
        int threads = args.GetInt("threads", Environment.ProcessorCount);
        double seconds = args.GetDouble("seconds", 2);
        bool interleaved = args.Has("interleaved");
        // --matrices K: K matrices of the same shape, multiplied in turn, so that (when K matrices exceed the caches) the
        // weights stream from memory as a model's do; with one matrix, small shapes measure the caches.
        int matrices = args.GetInt("matrices", 1);
        // --versus-read: each product is followed by a plain read of the same weight bytes on the same threads, so the
        // kernel's rate can be compared with streaming alone in the same moments (these machines' bandwidth drifts).
        bool versusRead = args.Has("versus-read");
        if (rows < 1 || cols < 1 || tokens < 1 || threads < 1 || matrices < 1) throw new CliUsageException("--rows, --cols, --tokens, --threads and --matrices must be positive");
        WorkerPool.SetDefaultThreadCount(threads);

        output.WriteLine($"kernel path {KernelIsa.Selected} (256-bit-preferring kernels: {KernelIsa.Selected256}; VNNI {KernelIsa.VnniSupported}), threads {threads}, {rows} x {cols}{(matrices > 1 ? $" x {matrices} matrices" : "")}, tokens {tokens}");
        output.WriteLine("type      weight MB   best us/call   median us   GB/s (best)   Gelem/s (best)" + (versusRead ? "   read GB/s (median)   kernel/read (medians)" : ""));
        var random = new Random(42);
        var x = new float[tokens * cols];
        for (int i = 0; i < x.Length; i++) x[i] = SyntheticBlocks.Gaussian(random);
        var y = new float[tokens * rows];
        foreach (var type in types)
        {
            var info = GgmlTypeInfo.Of(type);
            if (cols % info.BlockSize != 0) throw new CliUsageException($"--cols {cols} is not a multiple of {info.Name}'s block size {info.BlockSize}");
            var buffers = new NativeTensorBuffer[matrices];
            var weights = new TensorView[matrices];
            for (int m = 0; m < matrices; m++)
            {
                buffers[m] = new NativeTensorBuffer($"bench.{info.Name}.{m}", type, [cols, rows]);
                SyntheticBlocks.Fill(type, buffers[m].Bytes, random);
                // --interleaved: Q8_0 in the layout a model read into memory uses (rows rearranged in groups).
                weights[m] = interleaved && InterleavedQ8_0.Fits(type, rows) ? InterleavedQ8_0.Interleave(buffers[m].View) : buffers[m].View;
            }
            try
            {
                long bytes = buffers[0].ByteSize;
                foreach (var weight in weights) MatrixProducts.MatMul(weight, x, tokens, y);
                // Machines here are shared: the best call is the least disturbed one; the median shows the spread.
                var times = new List<double>();
                var readTimes = new List<double>();
                var clock = Stopwatch.StartNew();
                for (int call = 0; clock.Elapsed.TotalSeconds < seconds || times.Count < 5; call++)
                {
                    long start = Stopwatch.GetTimestamp();
                    MatrixProducts.MatMul(weights[call % matrices], x, tokens, y);
                    times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                    if (!versusRead) continue;
                    start = Stopwatch.GetTimestamp();
                    StreamingRead.Parallel(WorkerPool.Default, buffers[call % matrices].View.Address, bytes, WorkerPool.Default.ThreadCount * 4);
                    readTimes.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                }
                times.Sort();
                double best = times[0], median = times[times.Count / 2];
                string line = string.Create(CultureInfo.InvariantCulture,
                    $"{info.Name,-8} {bytes / 1e6,10:F1} {best * 1e6,14:F0} {median * 1e6,11:F0} {bytes / best / 1e9,13:F2} {(double)rows * cols * tokens / best / 1e9,16:F2}");
                if (versusRead)
                {
                    readTimes.Sort();
                    double readMedian = readTimes[readTimes.Count / 2];
                    line += string.Create(CultureInfo.InvariantCulture, $" {bytes / readMedian / 1e9,20:F2} {readMedian / median,23:F2}");
                }
                output.WriteLine(line);
            }
            finally
            {
                foreach (var buffer in buffers) buffer.Dispose();
            }
        }
        return 0;
    }
}
