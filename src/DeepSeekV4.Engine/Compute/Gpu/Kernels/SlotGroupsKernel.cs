using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The routed slots grouped by expert (a counting sort, one thread: slots are few thousand at most), so that a batch's
/// expert products read each expert row once per four of its slots. Layout of <c>groups</c>: offsets [experts + 2] —
/// group e holds members [offsets[e], offsets[e + 1]), group <c>experts</c> the slots whose expert index is out of
/// range — then the members (slot indices, ascending within a group) [slots].
/// </summary>
public static class SlotGroupsKernel
{
    public static void Run(Index1D index, ArrayView<int> chosen, int slots, int experts, ArrayView<int> groups)
    {
        if (index.X != 0) return;
        int members = experts + 2;
        for (int e = 0; e <= experts + 1; e++) groups[e] = 0;
        for (int s = 0; s < slots; s++) groups[Group(chosen[s], experts) + 1]++;
        for (int e = 1; e <= experts + 1; e++) groups[e] += groups[e - 1];
        // Fill with the offsets as cursors (each ends at its group's end, the next group's start), then shift them back.
        for (int s = 0; s < slots; s++)
        {
            int g = Group(chosen[s], experts);
            groups[members + groups[g]] = s;
            groups[g]++;
        }
        for (int e = experts + 1; e > 0; e--) groups[e] = groups[e - 1];
        groups[0] = 0;
    }

    private static int Group(int expert, int experts) => expert >= 0 && expert < experts ? expert : experts;
}
