using System.Runtime.InteropServices;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 logits --model FILE --tokens IDS|@FILE [--mode prefill|stepwise|chunked:N] [--kv-cache FORMAT] [--all] --out OUT.f32`:
/// raw little-endian float32 logits, [positions × vocabulary] with --all, else the last position's row. prefill feeds
/// the tokens in one call, stepwise one token per call from position 0, chunked:N N tokens per call.
/// The cache defaults to F32 here, unlike the engine's Native default: this command exists to compare against
/// float32 reference runs, which hold the rotary dims unrounded (Native rounds them to BF16, as the BF16 model does).
/// </summary>
public sealed class LogitsCommand : ICliCommand, IFlagDeclaringCommand
{
    public string Name => "logits";

    public string Usage =>
        "logits --model FILE [--mtp FILE] --tokens 5,17,9|@ids.txt [--mode prefill|stepwise|chunked:N] [--kv-cache native|f32|f16|bf16|q8_0|q4_0 (default f32)] [--all] --out OUT.f32 " + NumericsOption.Usage + " " + DeviceOption.Usage;

    public IEnumerable<string> Flags => ["all"];

    /// <summary>The cache format used when --kv-cache is not given (shared with `dsv4 generate`).</summary>
    public const string ReferenceComparisonFormat = "f32";

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count != 0) throw new CliUsageException($"unexpected argument '{args.Positional[0]}'");
        string modelPath = args.Require("model");
        var tokens = TokenIdList.Parse(args.Require("tokens"));
        int chunk = ParseMode(args.Get("mode") ?? "prefill", tokens.Length);
        var format = KvCacheFormatOption.Parse(args.Get("kv-cache") ?? ReferenceComparisonFormat);
        bool all = args.Has("all");
        string outPath = args.Require("out");
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
        int vocab = model.VocabularySize;
        using var sequence = model.CreateSequence(tokens.Length, format);
        var logits = new float[(all ? tokens.Length : 1) * vocab];
        for (int done = 0; done < tokens.Length; done += chunk)
        {
            int count = Math.Min(chunk, tokens.Length - done);
            var target = all ? logits.AsSpan(done * vocab, count * vocab) : logits.AsSpan();
            sequence.Forward(tokens.AsSpan(done, count), target, allLogits: all);
        }
        using (var file = File.Create(outPath))
            file.Write(MemoryMarshal.AsBytes(logits.AsSpan()));
        output.WriteLine($"wrote {logits.Length / vocab} × {vocab} float32 logits to {outPath} ({tokens.Length} tokens, kv cache {format.ToString().ToLowerInvariant()})");
        return 0;
    }

    /// <summary>Tokens per Forward call for a --mode value.</summary>
    internal static int ParseMode(string mode, int tokens)
    {
        if (mode == "prefill") return tokens;
        if (mode == "stepwise") return 1;
        if (mode.StartsWith("chunked:", StringComparison.Ordinal) && int.TryParse(mode["chunked:".Length..], System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out int n) && n > 0)
            return n;
        throw new CliUsageException($"--mode expects prefill, stepwise or chunked:N (N ≥ 1), got '{mode}'");
    }

}
