using System.Diagnostics;
using DeepSeekV4.Engine.Gguf;
using Xunit.Abstractions;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>
/// Hostile-input must-hold: seeded mutations of the fixture GGUFs' header, metadata and tensor-info bytes, and
/// truncations at every region boundary. Each case parses or throws <see cref="GgufFormatException"/>: no other
/// exception, no hang, and the parse allocates at most the file's size plus <see cref="AllocationOverhead"/>.
/// </summary>
public class GgufMutationTests(ITestOutputHelper output)
{
    /// <summary>
    /// Allowed beyond the file's size: the exception and its message, the parser's small fixed objects, the first
    /// dictionary and list buckets. Measured peak over all cases is reported by the test.
    /// </summary>
    private const long AllocationOverhead = 64 * 1024;

    private static readonly (string Path, int Mutations)[] Fixtures =
    [
        ("ggml-quants/normal.gguf", 2_000),
        ("ggml-quants/outliers.gguf", 2_000),
        ("ggml-quants/small.gguf", 2_000),
        ("ggml-quants/zeros-and-edges.gguf", 2_000),
        ("dsv4-tiny/dsv4-tiny.f16.gguf", 2_500),
    ];

    private sealed class Tally
    {
        public int Cases, Parsed, Refused;
        public long WorstExcess = long.MinValue;
        public string WorstCase = "";
        public readonly List<string> Failures = [];
    }

    [Fact]
    public async Task MutatedAndTruncatedFixturesParseOrAreRefusedWithinTheFileSize()
    {
        var tally = new Tally();
        var sw = Stopwatch.StartNew();
        // A hang would stop the test here instead of stalling the run.
        var run = Task.Run(() =>
        {
            foreach (var (relative, mutations) in Fixtures)
            {
                int before = tally.Cases;
                var fixtureTime = Stopwatch.StartNew();
                RunFixture(relative, mutations, tally);
                output.WriteLine($"{relative}: {tally.Cases - before} cases in {fixtureTime.ElapsedMilliseconds} ms");
            }
        });
        Assert.True(await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(5))) == run, "mutation run did not finish: a case hangs");
        await run;

        string summary = $"{tally.Cases} cases ({tally.Parsed} parsed, {tally.Refused} refused) in {sw.Elapsed.TotalSeconds:F1} s; " +
                         $"largest allocation beyond the file size: {tally.WorstExcess} bytes ({tally.WorstCase})";
        output.WriteLine(summary);
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} failing cases, first ones:\n" + string.Join("\n", tally.Failures.Take(20)));
        Assert.True(tally.Cases >= 10_000 + 5 * 50, summary);
    }

    private static void RunFixture(string relative, int mutations, Tally tally)
    {
        byte[] original = File.ReadAllBytes(FixturePaths.Get(relative.Split('/')));
        var map = new GgufFieldMap(original);
        var rng = new Random(StableSeed(relative));
        var mutator = new GgufMutator(map, rng);
        byte[] work = (byte[])original.Clone();
        for (int i = 0; i < mutations; i++)
        {
            Array.Copy(original, work, map.DataStart);
            string what = mutator.Mutate(work);
            Check(work, work.Length, $"{relative} mutation {i}: {what}", tally);
        }
        Array.Copy(original, work, map.DataStart);
        foreach (long cut in TruncationPoints(map, original.Length))
            Check(work, (int)cut, $"{relative} truncated to {cut} bytes", tally);
    }

    /// <summary>
    /// Every field boundary (and one byte either side, and mid-field) of the header, each key-value pair and each
    /// tensor info (inside long arrays: the first two and the last element), the data start, inside and at the end
    /// of every tensor.
    /// </summary>
    private static SortedSet<long> TruncationPoints(GgufFieldMap map, long length)
    {
        var cuts = new SortedSet<long> { 0, 1, 2, 3 };
        foreach (var f in map.Fields.Where(f => f.IsBoundary))
        {
            cuts.Add(f.Offset - 1);
            cuts.Add(f.Offset);
            cuts.Add(f.Offset + 1);
            cuts.Add(f.Offset + f.Size / 2);
        }
        cuts.Add(map.DataStart - 1);
        cuts.Add(map.DataStart);
        cuts.Add(map.DataStart + 1);
        foreach (var (_, start, size) in map.TensorData)
        {
            cuts.Add(start + size / 2);
            cuts.Add(start + size - 1);
            cuts.Add(start + size);
        }
        cuts.Add(length - 1);
        cuts.RemoveWhere(c => c < 0 || c >= length);
        return cuts;
    }

    private static void Check(byte[] image, int length, string what, Tally tally)
    {
        tally.Cases++;
        var memory = image.AsMemory(0, length);
        GgufFile? file = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            file = GgufFile.FromMemory(memory, "mutant.gguf");
        }
        catch (GgufFormatException)
        {
            tally.Refused++;
        }
        catch (Exception e)
        {
            tally.Failures.Add($"{what}: {e.GetType().Name}: {e.Message}");
            return;
        }
        long excess = GC.GetAllocatedBytesForCurrentThread() - before - length;
        if (excess > tally.WorstExcess) (tally.WorstExcess, tally.WorstCase) = (excess, what);
        if (excess > AllocationOverhead)
            tally.Failures.Add($"{what}: allocated {excess + length} bytes for a {length}-byte file");
        if (file == null) return;
        tally.Parsed++;
        try
        {
            using (file) TouchEverything(file);
        }
        catch (Exception e)
        {
            tally.Failures.Add($"{what}: parsed, then reading it threw {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>A file that parsed must be fully readable: every array decodes, every tensor's bytes are reachable.</summary>
    private static void TouchEverything(GgufFile file)
    {
        foreach (var value in file.Metadata.Values)
            if (value.Array is { } a) Decode(a);
        foreach (var t in file.Tensors)
        {
            if (t.ByteSize > 0 && t.ByteSize <= int.MaxValue)
            {
                var data = file.GetTensorData(t);
                _ = data[0] + data[^1];
            }
        }
    }

    private static void Decode(GgufArray array)
    {
        if (array.Items is GgufArray[] nested)
            foreach (var child in nested) Decode(child);
    }

    private static int StableSeed(string s)
    {
        int h = 20260422;
        foreach (char c in s) h = h * 31 + c;
        return h;
    }
}
