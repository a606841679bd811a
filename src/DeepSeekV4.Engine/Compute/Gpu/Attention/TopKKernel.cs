using ILGPU;

namespace DeepSeekV4.Engine.Compute.Gpu.Attention;

/// <summary>
/// The indices of the k best scores, the same set as the CPU's heap (LightningIndexer.TopK): higher scores first, and
/// among equal scores the lower index; all indices when k ≥ count. One group: a radix select over the scores'
/// order-preserving keys finds the k-th key and how many keys equal to it are taken, then the group walks the scores in
/// index order with a prefix sum, so the taken ties are the lowest indices. The indices are written in increasing order.
/// One group per token of a batch: token t's scores at t·ScoreStride, its selection at t·SelectedStride.
/// </summary>
public static class TopKKernel
{
    /// <summary>Threads per group at most (the prefix sum's shared buffer; counts fit its 16-bit halves).</summary>
    public const int MaxGroupSize = 1024;

    /// <summary>Explicitly grouped: one group of at most <see cref="MaxGroupSize"/> threads per token; <paramref name="counts"/> may be an empty view.</summary>
    public static void Run(ArrayView<float> allScores, ArrayView<int> allSelected, ArrayView<int> counts, TopKShape shape)
    {
        int t = Grid.IdxX, tid = Group.IdxX, size = Group.DimX, k = shape.K;
        int count = counts.Length > 0 ? counts[t] : shape.Count;
        var scores = allScores.SubView((long)t * shape.ScoreStride, shape.ScoreStride);
        var selected = allSelected.SubView((long)t * shape.SelectedStride, shape.SelectedStride);
        if (k >= count)
        {
            for (int i = tid; i < count; i += size) selected[i] = i;
            return;
        }
        var histogram = SharedMemory.Allocate<int>(256);
        var scan = SharedMemory.Allocate<int>(MaxGroupSize);
        var state = SharedMemory.Allocate<uint>(2); // the key prefix found so far, and how many keys with it are still wanted
        if (tid == 0)
        {
            state[0] = 0;
            state[1] = (uint)k;
        }
        uint mask = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            for (int i = tid; i < 256; i += size) histogram[i] = 0;
            Group.Barrier();
            uint prefix = state[0];
            for (int i = tid; i < count; i += size)
            {
                uint key = Key(scores[i]);
                if ((key & mask) == prefix) Atomic.Add(ref histogram[(int)((key >> shift) & 255u)], 1);
            }
            Group.Barrier();
            if (tid == 0)
            {
                uint remaining = state[1];
                int digit = 255;
                for (; digit > 0; digit--)
                {
                    uint c = (uint)histogram[digit];
                    if (c >= remaining) break;
                    remaining -= c;
                }
                state[0] = prefix | (uint)digit << shift;
                state[1] = remaining;
            }
            Group.Barrier();
            mask |= 255u << shift;
        }
        uint threshold = state[0];
        int take = (int)state[1]; // keys equal to the threshold that are taken: the lowest indices
        int greaterBefore = 0, equalBefore = 0;
        for (int chunk = 0; chunk < count; chunk += size)
        {
            int i = chunk + tid;
            uint key = i < count ? Key(scores[i]) : 0u;
            bool greater = i < count && key > threshold, equal = i < count && key == threshold;
            int flags = (greater ? 1 << 16 : 0) | (equal ? 1 : 0);
            scan[tid] = flags;
            Group.Barrier();
            for (int offset = 1; offset < size; offset <<= 1)
            {
                int v = tid >= offset ? scan[tid - offset] : 0;
                Group.Barrier();
                scan[tid] += v;
                Group.Barrier();
            }
            int exclusive = scan[tid] - flags;
            int greaterHere = greaterBefore + (exclusive >> 16), equalHere = equalBefore + (exclusive & 0xFFFF);
            if (greater || (equal && equalHere < take)) selected[greaterHere + (equalHere < take ? equalHere : take)] = i;
            int total = scan[size - 1];
            Group.Barrier();
            greaterBefore += total >> 16;
            equalBefore += total & 0xFFFF;
        }
    }

    /// <summary>A key whose unsigned order is the floats' order, −0 and +0 the same (the CPU compares them equal).</summary>
    public static uint Key(float score)
    {
        uint bits = Interop.FloatAsInt(score);
        if ((bits & 0x7FFFFFFFu) == 0) return 0x80000000u;
        return (bits & 0x80000000u) != 0 ? ~bits : bits | 0x80000000u;
    }
}
