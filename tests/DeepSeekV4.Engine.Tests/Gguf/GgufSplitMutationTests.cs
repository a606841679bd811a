using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>
/// Hostile shards: seeded mutations of a later shard's header, split keys and tensor infos, and truncations at every
/// field boundary, opened as part of their set. Each case opens the set or is refused with a GGUF error that names
/// the shard (no other exception).
/// </summary>
public class GgufSplitMutationTests
{
    private const int Mutations = 300;

    [Fact]
    public void Mutated_or_truncated_shards_open_or_are_refused_naming_the_shard()
    {
        using var set = new TinySplitSet(new GgufSplitOptions { MaxTensors = 70 });
        string victim = set.Shards[1];
        byte[] original = File.ReadAllBytes(victim);
        var map = new GgufFieldMap(original);
        var mutator = new GgufMutator(map, new Random(20261202));
        var failures = new List<string>();
        int opened = 0, refused = 0;

        void Check(byte[] image, int length, string what)
        {
            using (var stream = File.Create(victim)) stream.Write(image, 0, length);
            try
            {
                using var file = GgufFile.Open(set.Shards[0]);
                foreach (var t in file.Tensors) _ = file.GetTensorData(t).Length;
                opened++;
            }
            catch (Exception e) when (e is GgufFormatException or GgufSetException)
            {
                refused++;
                if (!e.Message.Contains(victim, StringComparison.Ordinal)) failures.Add($"{what}: the error does not name the shard: {e.Message}");
            }
            catch (Exception e)
            {
                failures.Add($"{what}: {e.GetType().Name}: {e.Message}");
            }
        }

        byte[] work = (byte[])original.Clone();
        for (int i = 0; i < Mutations; i++)
        {
            Array.Copy(original, work, map.DataStart);
            string what = mutator.Mutate(work);
            Check(work, work.Length, $"mutation {i}: {what}");
        }
        foreach (var f in map.Fields.Where(f => f.IsBoundary))
            Check(original, (int)f.Offset, $"truncated at {f.Name} ({f.Offset})");

        Assert.True(failures.Count == 0, $"{failures.Count} failing cases, first ones:\n" + string.Join("\n", failures.Take(10)));
        Assert.True(refused > Mutations / 4, $"only {refused} of the cases were refused ({opened} opened)");
    }
}
