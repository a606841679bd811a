using System.Runtime.InteropServices;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// Best-effort pinning of memory in RAM so the OS cannot page it out (POSIX mlock, Windows VirtualLock). Failure is
/// never an error: without the privilege or under a low RLIMIT_MEMLOCK the memory simply stays pageable.
/// </summary>
internal static unsafe partial class MemoryLock
{
    /// <summary>Tries to lock [address, address + length); returns whether it is locked.</summary>
    public static bool TryLock(void* address, long length)
    {
        if (length <= 0) return false;
        try
        {
            if (OperatingSystem.IsWindows()) return TryLockWindows(address, (nuint)length);
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
                return mlock(address, (nuint)length) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
        return false;
    }

    /// <summary>Undoes <see cref="TryLock"/> (before the memory is freed).</summary>
    public static void Unlock(void* address, long length)
    {
        try
        {
            if (OperatingSystem.IsWindows()) VirtualUnlock(address, (nuint)length);
            else munlock(address, (nuint)length);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
        }
    }

    /// <summary>VirtualLock is bounded by the working set's minimum: grow it by the region first.</summary>
    private static bool TryLockWindows(void* address, nuint length)
    {
        if (VirtualLock(address, length)) return true;
        var process = GetCurrentProcess();
        if (!GetProcessWorkingSetSize(process, out nuint min, out nuint max)) return false;
        if (!SetProcessWorkingSetSize(process, min + length, Math.Max(max, min + length) + length)) return false;
        return VirtualLock(address, length);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int mlock(void* address, nuint length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munlock(void* address, nuint length);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualLock(void* address, nuint size);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool VirtualUnlock(void* address, nuint size);

    [LibraryImport("kernel32.dll")]
    private static partial nint GetCurrentProcess();

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetProcessWorkingSetSize(nint process, out nuint minimum, out nuint maximum);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool SetProcessWorkingSetSize(nint process, nuint minimum, nuint maximum);
}
