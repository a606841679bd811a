using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace DeepSeekV4.Engine.Compute;

/// <summary>
/// Reading memory with nothing else to do: the roofline a memory-bound kernel is held against. The loop sums 8-byte
/// words with 8 independent SIMD accumulators, so the adds never wait on each other and the loads are the only limit.
/// </summary>
public static unsafe class StreamingRead
{
    /// <summary>
    /// Reads <paramref name="bytes"/> bytes from <paramref name="address"/> (whole 512-byte runs; a tail is left out) over
    /// <paramref name="pool"/>, cut into <paramref name="chunks"/> consecutive chunks as a product over the same bytes
    /// would be. Returns the sum of the words read, so the reads cannot be optimized away.
    /// </summary>
    public static ulong Parallel(WorkerPool pool, nint address, long bytes, int chunks)
    {
        if (chunks < 1) throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "a read needs at least one chunk");
        var job = new ParallelJob((ulong*)address, bytes / 8 / 64 * 64, chunks);
        pool.Run(job, chunks);
        return job.Total;
    }

    /// <summary>The sum of words[from..to) (to − from a multiple of 64).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static ulong Sum(ref ulong r, long from, long to)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<ulong> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (nuint i = (nuint)from; i < (nuint)to; i += 64)
            {
                a0 += Vector512.LoadUnsafe(ref r, i);
                a1 += Vector512.LoadUnsafe(ref r, i + 8);
                a2 += Vector512.LoadUnsafe(ref r, i + 16);
                a3 += Vector512.LoadUnsafe(ref r, i + 24);
                a4 += Vector512.LoadUnsafe(ref r, i + 32);
                a5 += Vector512.LoadUnsafe(ref r, i + 40);
                a6 += Vector512.LoadUnsafe(ref r, i + 48);
                a7 += Vector512.LoadUnsafe(ref r, i + 56);
            }
            return Vector512.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
        }
        else
        {
            Vector256<ulong> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
            for (nuint i = (nuint)from; i < (nuint)to; i += 32)
            {
                a0 += Vector256.LoadUnsafe(ref r, i);
                a1 += Vector256.LoadUnsafe(ref r, i + 4);
                a2 += Vector256.LoadUnsafe(ref r, i + 8);
                a3 += Vector256.LoadUnsafe(ref r, i + 12);
                a4 += Vector256.LoadUnsafe(ref r, i + 16);
                a5 += Vector256.LoadUnsafe(ref r, i + 20);
                a6 += Vector256.LoadUnsafe(ref r, i + 24);
                a7 += Vector256.LoadUnsafe(ref r, i + 28);
            }
            return Vector256.Sum(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)));
        }
    }

    private sealed class ParallelJob(ulong* words, long count, int chunks) : IChunkedWork
    {
        private readonly long _chunkWords = (count / chunks + 63) / 64 * 64;
        private ulong _total;

        public ulong Total => _total;

        public void Execute(int chunk)
        {
            long from = chunk * _chunkWords, to = Math.Min(count, from + _chunkWords);
            if (to > from) Interlocked.Add(ref _total, Sum(ref *words, from, to));
        }
    }
}
