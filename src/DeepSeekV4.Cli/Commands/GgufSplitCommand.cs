using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 gguf-split --split [--split-max-tensors N|--split-max-size N(M|G)] [--no-tensor-first-split] IN OUT_PREFIX`
/// cuts a GGUF into a split set, and `dsv4 gguf-split --merge FIRST_SHARD OUT` joins one, in llama-gguf-split's
/// convention, so sets move between the two tools unchanged.
/// </summary>
public sealed class GgufSplitCommand : ICliCommand, IFlagDeclaringCommand
{
    public string Name => "gguf-split";

    public string Usage =>
        "gguf-split --split [--split-max-tensors N|--split-max-size N(M|G)] [--no-tensor-first-split] IN OUT_PREFIX | gguf-split --merge FIRST_SHARD OUT";

    public IEnumerable<string> Flags => ["split", "merge", GgufSplitArguments.NoTensorFirstSplit];

    public int Run(CliArguments args, TextWriter output)
    {
        bool merge = args.Has("merge");
        bool split = args.Has("split") || !merge;
        if (merge && args.Has("split")) throw new CliUsageException("give --split or --merge, not both");
        if (args.Positional.Count != 2)
            throw new CliUsageException(merge ? "--merge expects FIRST_SHARD and OUT" : "--split expects IN and OUT_PREFIX");
        var options = split ? GgufSplitArguments.Parse(args, required: true) : null;
        if (args.Unused().FirstOrDefault() is { } unknown) throw new CliUsageException($"unknown option --{unknown}");

        if (merge)
        {
            GgufSetMerge.Merge(args.Positional[0], args.Positional[1]);
            using var merged = GgufFile.Open(args.Positional[1]);
            output.WriteLine($"merged into {merged.Path}: {merged.Tensors.Count} tensors, {merged.FileSize:N0} bytes");
            return 0;
        }
        using var input = GgufFile.Open(args.Positional[0]);
        var shards = GgufWriter.FromFile(input).WriteSplit(args.Positional[1], options!);
        foreach (var shard in shards) output.WriteLine($"wrote {shard}");
        output.WriteLine($"{shards.Count} shards, {input.Tensors.Count} tensors");
        return 0;
    }
}
