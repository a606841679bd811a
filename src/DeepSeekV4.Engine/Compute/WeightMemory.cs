using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Compute;

/// <summary>
/// Native memory for weights read into the process. Large blocks are aligned to 2 MiB and, on Linux, marked for
/// transparent huge pages (madvise MADV_HUGEPAGE; the default THP mode "madvise" gives them only when asked): a token's
/// products stream gigabytes through memory, and with 4 KiB pages every page is a TLB miss that also stops the
/// hardware prefetcher — decode read ~25 GB/s per thread instead of ~38. Best effort: without huge pages the memory
/// works the same.
/// </summary>
internal static unsafe partial class WeightMemory
{
    private const long HugePage = 2 << 20;
    private const int MadviseHugePage = 14;

    public static byte* Allocate(long bytes)
    {
        bool large = bytes >= HugePage;
        var memory = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(1, bytes), large ? (nuint)HugePage : 64);
        if (large && OperatingSystem.IsLinux())
        {
            try
            {
                madvise(memory, (nuint)((bytes + HugePage - 1) / HugePage * HugePage), MadviseHugePage);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
            }
        }
        return memory;
    }

    public static void Free(byte* memory) => NativeMemory.AlignedFree(memory);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);
}
