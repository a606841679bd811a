using System.Diagnostics;
using DeepSeekV4.Engine.Gguf;
using Xunit.Abstractions;

namespace DeepSeekV4.Engine.Tests.Gguf;

public sealed class GgufLargeVocabularyTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gguf-vocab-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string WriteFile()
    {
        string path = Path.Combine(_dir, "vocab.gguf");
        LargeVocabularyGguf.Writer().WriteTo(path);
        return path;
    }

    [Fact]
    public void FileWithAFullSizeVocabularyAndThousandsOfTensorsOpensWithEveryEntry()
    {
        using var file = GgufFile.Open(WriteFile());
        var tokens = file.Metadata["tokenizer.ggml.tokens"].Array!.As<string>();
        var types = file.Metadata["tokenizer.ggml.token_type"].Array!.As<int>();
        var merges = file.Metadata["tokenizer.ggml.merges"].Array!.As<string>();
        Assert.Equal(LargeVocabularyGguf.VocabularySize, tokens.Length);
        Assert.Equal(LargeVocabularyGguf.VocabularySize, types.Length);
        Assert.Equal(LargeVocabularyGguf.MergeCount, merges.Length);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i] != LargeVocabularyGguf.Token(i)) Assert.Fail($"token {i}: '{tokens[i]}', expected '{LargeVocabularyGguf.Token(i)}'");
            if (types[i] != LargeVocabularyGguf.TokenType(i)) Assert.Fail($"token type {i}: {types[i]}");
        }
        for (int i = 0; i < merges.Length; i++)
            if (merges[i] != LargeVocabularyGguf.Merge(i)) Assert.Fail($"merge {i}: '{merges[i]}', expected '{LargeVocabularyGguf.Merge(i)}'");

        Assert.Equal(LargeVocabularyGguf.TensorCount, file.Tensors.Count);
        for (int i = 0; i < file.Tensors.Count; i++)
        {
            var t = file.Tensors[i];
            Assert.Equal(LargeVocabularyGguf.TensorName(i), t.Name);
            var data = file.GetTensorData(t);
            Assert.Equal(68, data.Length);
            Assert.Equal((byte)(i + 67), data[67]);
        }
        Assert.Equal(43u, file.Metadata["deepseek4.block_count"].Value);
    }

    /// <summary>
    /// Reports the open time (no assertion on it): dotnet test -c Release --filter "FullyQualifiedName~OpenTime"
    /// --logger "console;verbosity=detailed". Open and close are timed apart: closing copies the bytes of arrays never
    /// decoded (here all of them), so that they stay readable.
    /// </summary>
    [Fact]
    [Trait("Category", "Slow")]
    public void OpenTime()
    {
        string path = WriteFile();
        const int runs = 30;
        var open = new double[runs];
        var close = new double[runs];
        long allocated = 0;
        for (int i = 0; i < runs; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var sw = Stopwatch.StartNew();
            var file = GgufFile.Open(path);
            open[i] = sw.Elapsed.TotalMilliseconds;
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(LargeVocabularyGguf.TensorCount, file.Tensors.Count);
            sw.Restart();
            file.Dispose();
            close[i] = sw.Elapsed.TotalMilliseconds;
        }
        // Wall time on a loaded shared machine is noisy: the minimum says more than the median.
        string Stats(double[] t)
        {
            var sorted = t.Skip(3).Order().ToArray();
            return $"min {sorted[0]:F2} ms, median {sorted[sorted.Length / 2]:F2} ms (first {t[0]:F2} ms)";
        }
        string line = $"GGUF open ({new FileInfo(path).Length} bytes, {LargeVocabularyGguf.VocabularySize} tokens, {LargeVocabularyGguf.MergeCount} merges, " +
                      $"{LargeVocabularyGguf.TensorCount} tensors): open {Stats(open)}, allocating {allocated} bytes; close {Stats(close)}";
        output.WriteLine(line);

        var decode = Stopwatch.StartNew();
        using (var file = GgufFile.Open(path)) _ = file.Metadata["tokenizer.ggml.tokens"].Array!.Items;
        output.WriteLine($"open + decode all {LargeVocabularyGguf.VocabularySize} tokens + close: {decode.Elapsed.TotalMilliseconds:F2} ms");
    }
}
