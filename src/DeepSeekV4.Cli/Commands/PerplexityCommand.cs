using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Inference.Perplexity;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 perplexity --model FILE --text FILE [--ctx N] [--stride N] [--kv-cache F[,F...]] [--baseline FORMAT|FILE] [--json]`:
/// Measure-DSPerplexity without PowerShell. Scores the text once per KV-cache format against one baseline run (a
/// KV format of the same model, Native by default, or another GGUF of the same model) and prints a table, or with
/// --json the same objects the cmdlet returns.
/// </summary>
public sealed class PerplexityCommand(ModelRegistry? registry) : ICliCommand, IFlagDeclaringCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public PerplexityCommand()
        : this(null)
    {
    }

    public string Name => "perplexity";

    public string Usage => "perplexity --model FILE [--mtp FILE] --text FILE [--ctx N] [--stride N] [--kv-cache native|f32|f16|bf16|q8_0|q4_0[,...]] " +
                           "[--baseline FORMAT|FILE] [--threads N] [--force] [--json] " + NumericsOption.Usage + " " + DeviceOption.Usage;

    public IEnumerable<string> Flags => ["json", "force"];

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count > 0) throw new CliUsageException($"unexpected argument '{args.Positional[0]}'");
        string modelPath = args.Require("model");
        string textPath = args.Require("text");
        int ctx = args.GetInt("ctx", PerplexityRequest.DefaultContextLength);
        if (ctx < 3) throw new CliUsageException($"--ctx must be at least 3, got {ctx}");
        int? stride = args.Get("stride") != null ? args.GetInt("stride", ctx) : null;
        var options = new ModelLoadOptions { Threads = args.GetInt("threads", 0), MtpPath = args.Get("mtp"), Numerics = NumericsOption.Parse(args.Get("numerics")) };
        // Without --kv-cache: the numerics' own format, as the model is imported with it (Measure-DSPerplexity does the same).
        IReadOnlyList<KvCacheFormat> formats = args.Get("kv-cache") is { } named ? KvCacheFormatOption.ParseList(named) : [ForwardRounding.DefaultKvCacheFormat(options.Numerics)];
        string baseline = args.Get("baseline") ?? "native";
        (var device, int deviceId) = DeviceOption.Parse(args.Get("device"));
        options = options with { Device = device, DeviceId = deviceId };
        bool force = args.Has("force"), json = args.Has("json");
        if (args.Unused().FirstOrDefault() is { } unknown) throw new CliUsageException($"unknown option --{unknown}");
        bool baselineIsFormat = KvCacheFormatOption.TryParse(baseline, out var baselineFormat);
        if (!baselineIsFormat && !File.Exists(baseline))
            throw new CliUsageException($"--baseline expects a KV-cache format ({KvCacheFormatOption.Names}) or a GGUF file of the same model; '{baseline}' is neither");

        string source = Path.GetFullPath(textPath);
        var request = new PerplexityRequest
        {
            Text = DocumentReader.Read(source).Text,
            Source = source,
            Formats = formats,
            BaselineFormat = baselineIsFormat ? baselineFormat : KvCacheFormat.Native,
            Options = new PerplexityOptions { ContextLength = ctx, Stride = stride },
        };
        using var session = new InferenceSession(registry ?? ModelRegistry.Shared);
        var model = CliModelImport.Import(session, modelPath, contextLength: ctx, format: formats[0], options: options, force: force);
        var baselineModel = baselineIsFormat ? null : CliModelImport.Import(session, baseline, name: "baseline", contextLength: ctx, options: options with { MtpPath = null }, force: force);

        var results = PerplexityComparison.Run(model, request, baselineModel);
        if (json) output.WriteLine(JsonSerializer.Serialize(results, Json));
        else WriteTable(output, results);
        return 0;
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<PerplexityMeasurement> results)
    {
        var first = results[0];
        var c = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(c, $"model {first.Model}, text {first.Source}: {first.Tokens} tokens scored in {first.Windows} windows of {first.ContextLength} (stride {first.Stride}); " +
                                          $"baseline {first.BaselineModel} with the {first.BaselineKvCacheType} cache, PPL {first.BaselinePerplexity:F4}"));
        output.WriteLine();
        output.WriteLine("| KV cache | bytes/token | PPL | ΔPPL | mean NLL | tokens | mean KLD | median KLD | p99 KLD | max KLD | top-1 % | tok/s |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(c,
                $"| {r.KvCacheType} | {r.BytesPerToken:F1} | {r.Perplexity:F4} ± {r.PerplexityError:F4} | {r.PerplexityDelta:+0.0000;-0.0000;0.0000} | {r.MeanNll:F6} | {r.Tokens} | " +
                $"{r.MeanKld:F6} ± {r.MeanKldError:F6} | {r.MedianKld:F6} | {r.Percentile99Kld:F6} | {r.MaxKld:F6} | {r.Top1AgreementPercent:F2} ± {r.Top1AgreementError:F2} | {r.TokensPerSecond:F1} |"));
        }
    }
}
