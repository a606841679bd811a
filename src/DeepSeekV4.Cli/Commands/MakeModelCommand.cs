using System.Globalization;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Models.DeepSeekV4.Synthetic;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 make-model --preset tiny|flash|pro|bench [--layers N] [--experts N] [--weights MIX] [--seed S] --out FILE`:
/// a synthetic DeepSeek V4 GGUF with random, well-conditioned weights (llama.cpp's deepseek4 conventions); with the
/// split options, written as a split set named after FILE; --mtp adds an MTP block in the file (llama.cpp's nextn layout),
/// --mtp-file writes one as llama.cpp's separate MTP file.
/// </summary>
public sealed class MakeModelCommand : ICliCommand, IFlagDeclaringCommand
{
    public string Name => "make-model";

    public IEnumerable<string> Flags => [GgufSplitArguments.NoTensorFirstSplit, "mtp"];

    public string Usage =>
        "make-model --preset tiny|flash|pro|bench [--layers N] [--experts N] [--weights f32|f16|q8_0|q4_k|iq2_xxs-experts|ds4-q2|ds4-q4|converter] [--seed S] " +
        "[--split-max-tensors N|--split-max-size N(M|G)] [--no-tensor-first-split] [--mtp] [--mtp-file FILE [--mtp-layout llama|ds4]] --out FILE";

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count != 0) throw new CliUsageException($"unexpected argument '{args.Positional[0]}'");
        string presetText = args.Require("preset");
        var preset = Enum.GetValues<SyntheticPreset>().Cast<SyntheticPreset?>()
            .FirstOrDefault(p => string.Equals(p.ToString(), presetText, StringComparison.OrdinalIgnoreCase))
            ?? throw new CliUsageException($"--preset expects tiny, flash, pro or bench, got '{presetText}'");
        int? layers = args.Has("layers") ? Positive(args.GetInt("layers", 0), "layers") : null;
        int? experts = args.Has("experts") ? Positive(args.GetInt("experts", 0), "experts") : null;
        var weights = SyntheticWeightMixes.Parse(args.Get("weights") ?? "f16");
        string seedText = args.Get("seed") ?? "1";
        if (!ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
            throw new CliUsageException($"--seed expects a non-negative integer, got '{seedText}'");
        string path = args.Require("out");
        var split = GgufSplitArguments.Parse(args);
        bool mtp = args.Has("mtp");
        string? mtpFile = args.Get("mtp-file");
        var mtpLayout = args.Get("mtp-layout") switch
        {
            null or "llama" => MtpLayout.LlamaCppFile,
            "ds4" => MtpLayout.Ds4File,
            var other => throw new CliUsageException($"--mtp-layout: expected llama or ds4, got '{other}'"),
        };
        if (args.Get("mtp-layout") != null && mtpFile == null) throw new CliUsageException("--mtp-layout needs --mtp-file");
        var unused = args.Unused().ToList();
        if (unused.Count > 0) throw new CliUsageException($"unknown option --{unused[0]}");

        var spec = SyntheticModelSpec.ForPreset(preset, layers, experts) with { Mtp = mtp };
        int lastPercent = -1;
        var summary = SyntheticModelWriter.Write(path, spec, weights, seed, (done, total) =>
        {
            int percent = total == 0 ? 100 : (int)(done * 100 / total);
            if (percent / 10 == lastPercent / 10) return;
            lastPercent = percent;
            Console.Error.Write($"\rwriting {percent,3}%");
            if (percent == 100) Console.Error.WriteLine();
        }, split: split);

        foreach (var file in summary.Files) output.WriteLine($"wrote {file}");
        if (mtpFile != null)
        {
            // llama.cpp's separate MTP file (blk.N.*, blk.N.nextn.*, its own head as output_hc_*) or ds4's (mtp.0.*).
            var mtpSummary = SyntheticModelWriter.WriteMtpFile(mtpFile, spec, weights, seed, mtpLayout);
            string block = mtpLayout == MtpLayout.Ds4File ? "mtp.0" : $"blk.{spec.LayerCount}";
            output.WriteLine($"wrote {mtpSummary.Path} (MTP block {block}: {mtpSummary.TensorCount} tensors, {mtpSummary.FileBytes:N0} bytes)");
        }
        output.WriteLine($"  preset {preset.ToString().ToLowerInvariant()}: {spec.LayerCount} layers (compress ratios {string.Join(",", spec.CompressRatios)}), " +
                         $"dim {spec.EmbeddingLength}, {spec.HeadCount} heads of {spec.HeadSize}, {spec.ExpertCount} experts " +
                         $"(top-{spec.ExpertUsedCount}, hidden {spec.ExpertFeedForwardLength}), vocab {spec.VocabularySize}");
        output.WriteLine($"  weights {SyntheticWeightMixes.NameOf(weights)}, seed {seed}: {summary.TensorCount} tensors, " +
                         $"{summary.ParameterCount:N0} parameters, {summary.FileBytes:N0} bytes in {summary.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new CliUsageException($"--{name} must be at least 1, got {value}");
}
