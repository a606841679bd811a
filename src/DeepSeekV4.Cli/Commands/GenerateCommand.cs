using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 generate --model FILE --tokens IDS|@FILE --greedy -n N`: prefills the tokens, then decodes N tokens greedily
/// (argmax, no stop token) and prints their ids, comma-separated on one line (the --tokens syntax). Like
/// `dsv4 logits`, it uses the F32 cache unless --kv-cache says otherwise, so its ids follow a float32 reference run.
/// </summary>
public sealed class GenerateCommand : ICliCommand, IFlagDeclaringCommand
{
    public string Name => "generate";

    public string Usage => "generate --model FILE [--mtp FILE] --tokens 5,17,9|@ids.txt --greedy -n N [--kv-cache native|f32|f16|bf16|q8_0|q4_0 (default f32)] " + NumericsOption.Usage + " " + DeviceOption.Usage;

    public IEnumerable<string> Flags => ["greedy"];

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count != 0) throw new CliUsageException($"unexpected argument '{args.Positional[0]}'");
        string modelPath = args.Require("model");
        var tokens = TokenIdList.Parse(args.Require("tokens"));
        var format = KvCacheFormatOption.Parse(args.Get("kv-cache") ?? LogitsCommand.ReferenceComparisonFormat);
        if (!args.Has("greedy")) throw new CliUsageException("only greedy decoding is available here: pass --greedy");
        if (!args.Has("n")) throw new CliUsageException("missing required option -n");
        int count = args.GetInt("n", 0);
        if (count < 0) throw new CliUsageException($"-n must not be negative, got {count}");
        string? mtpPath = args.Get("mtp");
        var numerics = NumericsOption.Parse(args.Get("numerics"));
        var (device, deviceId) = DeviceOption.Parse(args.Get("device"));
        var unused = args.Unused().ToList();
        if (unused.Count > 0) throw new CliUsageException($"unknown option --{unused[0]}");

        using var model = DeepSeekV4Model.Load(modelPath, new DeepSeekV4ModelOptions
        {
            MtpPath = mtpPath, Numerics = numerics, Device = device, DeviceId = deviceId,
            OnDeviceChosen = Console.Error.WriteLine,
        });
        if (model.Mtp is { } mtpBlock) Console.Error.WriteLine($"MTP block bound ({mtpBlock})");
        using var sequence = model.CreateSequence(Math.Max(1, tokens.Length + count - 1), format);
        var logits = new float[model.VocabularySize];
        var generated = new int[count];
        if (count > 0) sequence.Forward(tokens, logits);
        for (int i = 0; i < count; i++)
        {
            generated[i] = ArgMax(logits);
            if (i + 1 < count) sequence.Forward([generated[i]], logits);
        }
        output.WriteLine(string.Join(",", generated));
        return 0;
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
            if (row[i] > row[best]) best = i;
        return best;
    }
}
