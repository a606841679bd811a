using System.Globalization;

namespace DeepSeekV4.Engine.Inference;

/// <summary>Physical memory that a new load can use without pushing other work out.</summary>
public static class AvailableMemory
{
    public static long Query()
    {
        if (OperatingSystem.IsLinux() && TryMemAvailable(out long bytes)) return bytes;
        var info = GC.GetGCMemoryInfo();
        long total = info.TotalAvailableMemoryBytes;
        return info.MemoryLoadBytes > 0 ? Math.Max(0, total - info.MemoryLoadBytes) : total;
    }

    /// <summary>Linux's own estimate (free memory plus reclaimable cache), from /proc/meminfo.</summary>
    private static bool TryMemAvailable(out long bytes)
    {
        bytes = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out long kib))
                {
                    bytes = kib * 1024;
                    return true;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return false;
    }
}
