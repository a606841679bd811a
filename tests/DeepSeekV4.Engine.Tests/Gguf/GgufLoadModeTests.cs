using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

public class GgufLoadModeTests
{
    [Fact]
    public void InMemoryFileHoldsTheSameBytesAsTheMappedOne()
    {
        using var mapped = GgufFile.Open(FixturePaths.TinyModelF16);
        using var copied = GgufFile.Open(FixturePaths.TinyModelF16, GgufLoadMode.InMemory);
        Assert.Equal(GgufLoadMode.InMemory, copied.LoadMode);
        Assert.False(mapped.IsMemoryLocked);
        foreach (var t in mapped.Tensors)
            Assert.True(mapped.GetTensorData(t).SequenceEqual(copied.GetTensorData(copied.GetTensor(t.Name))), t.Name);
    }

    [Fact]
    public void AReportedLockIsCountedByTheKernel()
    {
        using var copied = GgufFile.Open(FixturePaths.TinyModelF16, GgufLoadMode.InMemory);
        if (!OperatingSystem.IsLinux() || !copied.IsMemoryLocked) return; // best effort: refused without privilege
        // /proc/self/status VmLck: the process's locked memory in kB; ours alone is the file's size.
        string line = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("VmLck:", StringComparison.Ordinal));
        long lockedKb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(lockedKb * 1024 >= copied.FileSize, $"VmLck {lockedKb} kB, file {copied.FileSize} bytes");
    }
}
