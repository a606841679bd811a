using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Kernels;

/// <summary>
/// The routed slots grouped by expert, so that a batch's expert products read each expert row once per four of its
/// slots: a parallel counting sort in three launches over a zeroed <c>groups</c> buffer — <see cref="Count"/> (one
/// thread per slot, atomic), <see cref="Offsets"/> (one thread: the prefix sum over the experts) and <see cref="Scatter"/>
/// (one thread per slot, atomic cursors). Layout of <c>groups</c>: offsets [experts + 2] — group e holds members
/// [offsets[e], offsets[e + 1]), group <c>experts</c> the slots whose expert index is out of range — then cursors
/// [experts + 1], then the members (slot indices) [slots]. Within a group the members' order depends on the atomics'
/// order; the products do not: each slot's sum is computed on its own.
/// </summary>
public static class SlotGroupsKernel
{
    /// <summary>Ints of the groups buffer for <paramref name="experts"/> experts and <paramref name="slots"/> slots.</summary>
    public static long Length(int experts, int slots) => 2L * experts + 3 + slots;

    public static void Count(Index1D s, ArrayView<int> chosen, int experts, ArrayView<int> groups) =>
        Atomic.Add(ref groups[Group(chosen[s], experts) + 1], 1);

    public static void Offsets(Index1D index, int experts, ArrayView<int> groups)
    {
        if (index.X != 0) return;
        int cursors = experts + 2;
        for (int e = 1; e <= experts + 1; e++) groups[e] += groups[e - 1];
        for (int e = 0; e <= experts; e++) groups[cursors + e] = groups[e];
    }

    public static void Scatter(Index1D s, ArrayView<int> chosen, int experts, ArrayView<int> groups)
    {
        int cursors = experts + 2, members = 2 * experts + 3;
        int position = Atomic.Add(ref groups[cursors + Group(chosen[s], experts)], 1);
        groups[members + position] = s;
    }

    private static int Group(int expert, int experts) => expert >= 0 && expert < experts ? expert : experts;
}
