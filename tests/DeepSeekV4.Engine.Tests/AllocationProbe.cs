namespace DeepSeekV4.Engine.Tests;

/// <summary>
/// Measures managed allocation of an action on the current thread. The runtime itself may allocate once in a while on
/// the calling thread (tiered JIT installing a recompiled method, type loads), so an action counts as allocation-free
/// when at least one of a few consecutive runs allocates nothing; an action that allocates per call fails every run.
/// </summary>
public static class AllocationProbe
{
    public static long LeastBytesAllocated(Action action, int attempts = 4)
    {
        long least = long.MaxValue;
        for (int i = 0; i < attempts && least != 0; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
