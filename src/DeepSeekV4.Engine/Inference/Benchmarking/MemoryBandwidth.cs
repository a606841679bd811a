using System.Diagnostics;
using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Compute;

namespace DeepSeekV4.Engine.Inference.Benchmarking;

/// <summary>One read-bandwidth measurement: the best of several passes over the buffer.</summary>
public sealed record MemoryBandwidthResult(int Threads, long BufferBytes, int Passes, double BytesPerSecond, double MedianBytesPerSecond);

/// <summary>
/// The machine's memory read bandwidth, the roofline decoding is compared with: each thread sums its own slice of a
/// buffer much larger than the caches, with 8 independent SIMD accumulators (so the adds never wait on each other and
/// the loads are the only limit), all threads started together; a pass's bandwidth is the whole buffer over the
/// time the slowest thread took.
/// </summary>
public static class MemoryBandwidth
{
    public const long DefaultBufferBytes = 1L << 30;

    public static MemoryBandwidthResult Measure(int threads, long bufferBytes = DefaultBufferBytes, int passes = 10)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "must be at least 1");
        if (passes < 1) throw new ArgumentOutOfRangeException(nameof(passes), passes, "must be at least 1");
        long words = bufferBytes / sizeof(ulong) / (64 * threads) * (64 * threads);
        if (words == 0 || words > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(bufferBytes), bufferBytes, $"must hold 512 bytes per thread and fit one array");
        // Pinned, and read from the first 64-byte boundary: a managed array's data is only 8-byte aligned, and
        // 64-byte vector loads that straddle two cache lines would measure the split loads, not the memory.
        var buffer = GC.AllocateUninitializedArray<ulong>((int)words + 8, pinned: true);
        Array.Fill(buffer, 1UL); // touch every page before timing
        long skew = AlignmentSkew(buffer);

        long slice = words / threads;
        var perPass = new double[passes];
        using var start = new Barrier(threads + 1);
        using var done = new CountdownEvent(threads);
        int pass = 0;
        ulong sink = 0;
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            long from = skew + t * slice;
            workers[t] = new Thread(() =>
            {
                for (int p = 0; p < passes; p++)
                {
                    start.SignalAndWait();
                    ulong s = ReadSum(buffer, from, from + slice);
                    Interlocked.Add(ref sink, s);
                    done.Signal();
                }
            }) { IsBackground = true, Name = $"membw-{t}" };
            workers[t].Start();
        }
        for (; pass < passes; pass++)
        {
            done.Reset(threads);
            start.SignalAndWait();
            long begin = Stopwatch.GetTimestamp();
            done.Wait();
            perPass[pass] = words * (double)sizeof(ulong) / Stopwatch.GetElapsedTime(begin).TotalSeconds;
        }
        foreach (var w in workers) w.Join();
        if (sink != (ulong)words * (ulong)passes) throw new InvalidOperationException($"read loop summed {sink}, expected {(ulong)words * (ulong)passes}");

        Array.Sort(perPass);
        return new MemoryBandwidthResult(threads, words * sizeof(ulong), passes, perPass[^1], perPass[passes / 2]);
    }

    /// <summary>Elements to skip so that reads of a pinned array start on a 64-byte boundary.</summary>
    private static long AlignmentSkew(ulong[] pinned) =>
        (64 - (long)((nuint)Marshal.UnsafeAddrOfPinnedArrayElement(pinned, 0) % 64)) % 64 / sizeof(ulong);

    /// <summary>The sum of buffer[from..to) (to − from a multiple of 64), read with 8 independent vector accumulators.</summary>
    internal static ulong ReadSum(ulong[] buffer, long from, long to) => StreamingRead.Sum(ref MemoryMarshal.GetArrayDataReference(buffer), from, to);
}
