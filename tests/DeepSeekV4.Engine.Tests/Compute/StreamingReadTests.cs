using System.Runtime.InteropServices;
using DeepSeekV4.Engine.Compute;

namespace DeepSeekV4.Engine.Tests.Compute;

public unsafe class StreamingReadTests
{
    /// <summary>Words 0, 1, 2, … : any set of them read twice or left out changes the sum Σ i = n(n − 1)/2.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 8)]
    [InlineData(3, 7)]
    [InlineData(2, 1000)] // more chunks than 512-byte runs: the empty chunks read nothing
    public void ParallelReadSumsEveryWholeRunExactlyOnce(int threads, int chunks)
    {
        const int words = 64 * 37 + 13; // 37 runs of 512 bytes and a tail that is left out
        var memory = (ulong*)NativeMemory.AlignedAlloc(words * sizeof(ulong), 64);
        try
        {
            for (int i = 0; i < words; i++) memory[i] = (ulong)i;
            using var pool = new WorkerPool(threads);
            const ulong whole = 64 * 37;
            Assert.Equal(whole * (whole - 1) / 2, StreamingRead.Parallel(pool, (nint)memory, words * sizeof(ulong), chunks));
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }

    [Fact]
    public void ParallelReadOfLessThanOneRunReadsNothing()
    {
        var memory = stackalloc ulong[63];
        for (int i = 0; i < 63; i++) memory[i] = 1;
        using var pool = new WorkerPool(2);
        Assert.Equal(0UL, StreamingRead.Parallel(pool, (nint)memory, 63 * sizeof(ulong), 4));
    }
}
