using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Inference.Benchmarking;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 bench --model FILE [-p 512] [-n 128] [--threads N] [--kv-cache ...] [--repetitions R] [--no-mmap] [--json]`:
/// llama-bench style prompt-processing and generation speed, peak memory and effective generation bandwidth;
/// `--memory` (alone or with a model) also measures the machine's memory read bandwidth with 1 and 2 threads;
/// `--profile` adds where each test's time goes: the matrix products by kind of weight, and the rest;
/// `--json-schema FILE` adds what masking the model's vocabulary to that schema costs per generated token, against tgN.
/// </summary>
public sealed class BenchCommand : ICliCommand, IFlagDeclaringCommand
{
    private static readonly int[] BandwidthThreads = [1, 2];

    public string Name => "bench";

    public string Usage =>
        "bench --model FILE [--mtp FILE] [-p 512] [-n 128] [--threads N] [--kv-cache native|f32|f16|bf16|q8_0|q4_0] [--repetitions R] [--no-mmap] [--json] [--memory] [--profile] [--json-schema FILE] " + NumericsOption.Usage + " " + DeviceOption.Usage;

    public IEnumerable<string> Flags => ["json", "no-mmap", "memory", "profile"];

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count != 0) throw new CliUsageException($"unexpected argument '{args.Positional[0]}'");
        bool json = args.Has("json");
        bool memory = args.Has("memory");
        string? modelPath = args.Get("model");
        var options = new BenchmarkOptions
        {
            PromptTokens = NonNegative(args.GetInt("p", 512), "p"),
            GenerateTokens = NonNegative(args.GetInt("n", 128), "n"),
            Repetitions = Positive(args.GetInt("repetitions", 5), "repetitions"),
            KvCache = KvCacheFormatOption.ParseOptional(args.Get("kv-cache")),
            Numerics = NumericsOption.Parse(args.Get("numerics")),
            Profile = args.Has("profile"),
        };
        int threads = args.Has("threads") ? Positive(args.GetInt("threads", 0), "threads") : 0;
        var jsonSchema = args.Get("json-schema") is { } schemaPath ? ReadSchema(schemaPath) : null;
        bool noMmap = args.Has("no-mmap");
        string? mtpPath = args.Get("mtp");
        var (device, deviceId) = DeviceOption.Parse(args.Get("device"));
        var unused = args.Unused().ToList();
        if (unused.Count > 0) throw new CliUsageException($"unknown option {(unused[0].Length == 1 ? "-" : "--")}{unused[0]}");
        if (modelPath == null && !memory) throw new CliUsageException("missing required option --model (or --memory)");
        if (modelPath != null && options.PromptTokens == 0 && options.GenerateTokens == 0)
            throw new CliUsageException("-p and -n are both 0: nothing to measure");

        var report = new Dictionary<string, object?>();
        var text = json ? null : output;
        // The model is measured first, so its peak memory does not include the bandwidth buffer.
        if (jsonSchema != null && modelPath == null) throw new CliUsageException("--json-schema needs --model (its vocabulary is masked)");
        var result = modelPath == null ? null : RunModel(modelPath, mtpPath, options, threads, noMmap, (device, deviceId), jsonSchema, report, text);
        int reportedThreads = threads > 0 ? threads : Environment.ProcessorCount;

        if (memory)
        {
            var bandwidth = new Dictionary<int, MemoryBandwidthResult>();
            foreach (int t in BandwidthThreads.Append(reportedThreads).Distinct())
            {
                bandwidth[t] = MemoryBandwidth.Measure(t);
                var b = bandwidth[t];
                Console.Error.WriteLine($"memory read bandwidth, {t} thread(s): {b.BytesPerSecond / 1e9:F1} GB/s");
                text?.WriteLine($"memory read bandwidth: {b.BytesPerSecond / 1e9:F1} GB/s with {t} thread(s) (median {b.MedianBytesPerSecond / 1e9:F1} GB/s over {b.Passes} passes of {b.BufferBytes >> 20} MiB)");
            }
            report["memory_read_bandwidth_bytes_per_second"] = bandwidth.ToDictionary(b => b.Key.ToString(CultureInfo.InvariantCulture), b => b.Value.BytesPerSecond);
            report["memory_buffer_bytes"] = bandwidth.Values.First().BufferBytes;
            if (result?.Generation != null)
            {
                double roofline = bandwidth[reportedThreads].BytesPerSecond;
                double fraction = result.GenerationBandwidthBytesPerSecond / roofline;
                report["tg_bandwidth_fraction"] = fraction;
                text?.WriteLine($"tg{result.Generation.Tokens} reads weights at {fraction:P0} of the measured {roofline / 1e9:F1} GB/s with {reportedThreads} thread(s)");
            }
        }

        if (json) output.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static Engine.Sampling.Constraints.JsonOutputFormat ReadSchema(string path)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new CliUsageException($"--json-schema: file not found: {full}");
        try
        {
            return Engine.Sampling.Constraints.JsonOutputFormat.FromSchema(File.ReadAllText(full));
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--json-schema {full}: {e.Message}");
        }
    }

    private static BenchmarkResult RunModel(string path, string? mtpPath, BenchmarkOptions options, int threads, bool noMmap, (Engine.Compute.ComputeDevice Device, int Id) placement,
        Engine.Sampling.Constraints.JsonOutputFormat? jsonSchema, Dictionary<string, object?> report, TextWriter? text)
    {
        long weightBytesPerToken;
        string name;
        long fileBytes, parameters;
        using (var header = GgufFile.Open(path))
        {
            weightBytesPerToken = WeightTraffic.BytesPerToken(header);
            name = header.GetMetadata("general.name")?.Value as string ?? Path.GetFileName(path);
            fileBytes = header.FileSize;
            parameters = header.Tensors.Sum(t => t.ElementCount);
        }

        var loadOptions = new ModelLoadOptions
        {
            Threads = threads, LoadMode = noMmap ? GgufLoadMode.InMemory : GgufLoadMode.Mapped, Numerics = options.Numerics,
            Device = placement.Device, DeviceId = placement.Id, MtpPath = mtpPath,
        };
        var loadTime = Stopwatch.StartNew();
        using var loaded = DeepSeekV4ModelLoader.Instance.Load(path, loadOptions, null, CancellationToken.None);
        double loadSeconds = loadTime.Elapsed.TotalSeconds;

        var result = new ModelBenchmark().Run(loaded.Model, options, weightBytesPerToken, line => Console.Error.WriteLine(line));
        int reportedThreads = threads > 0 ? threads : Environment.ProcessorCount;

        report["model"] = Path.GetFullPath(path);
        report["model_name"] = name;
        report["model_size_bytes"] = fileBytes;
        report["model_parameters"] = parameters;
        report["mtp"] = loaded.Description.Mtp is { } mtp ? new { layout = mtp.Layout.ToString(), path = mtp.Path, tensors = mtp.TensorCount, bytes = mtp.Bytes } : null;
        report["threads"] = reportedThreads;
        report["mmap"] = !noMmap;
        report["memory_locked"] = loaded.File?.IsMemoryLocked ?? false;
        report["kv_cache"] = options.KvCacheUsed.ToString().ToLowerInvariant();
        report["numerics"] = options.Numerics.ToString().ToLowerInvariant();
        report["device"] = loaded.Model.Device;
        report["n_prompt"] = options.PromptTokens;
        report["n_gen"] = options.GenerateTokens;
        report["repetitions"] = options.Repetitions;
        report["load_seconds"] = loadSeconds;
        report["pp_tokens_per_second"] = result.Prompt?.Mean;
        report["pp_stddev"] = result.Prompt?.StdDev;
        report["pp_samples"] = result.Prompt?.TokensPerSecond;
        report["tg_tokens_per_second"] = result.Generation?.Mean;
        report["tg_stddev"] = result.Generation?.StdDev;
        report["tg_samples"] = result.Generation?.TokensPerSecond;
        report["peak_memory_bytes"] = result.PeakMemoryBytes;
        report["weight_bytes_per_token"] = result.WeightBytesPerToken;
        report["tg_effective_bandwidth_bytes_per_second"] = result.GenerationBandwidthBytesPerSecond;
        if (result.PromptProfile is { } ppProfile) report["pp_profile"] = ProfileReport(ppProfile);
        if (result.GenerationProfile is { } tgProfile) report["tg_profile"] = ProfileReport(tgProfile);
        JsonMaskResult? mask = null;
        if (jsonSchema != null)
        {
            mask = JsonMaskBenchmark.Run(loaded.Tokenizer, loaded.Model.VocabularySize, jsonSchema,
                Math.Max(options.GenerateTokens, 1) * options.Repetitions, Math.Max(options.GenerateTokens, 16), 1);
            report["json_mask_tokens"] = mask.Tokens;
            report["json_mask_documents"] = mask.Documents;
            report["json_mask_ms_per_token"] = mask.MillisecondsPerToken;
            report["json_vocabulary_ms"] = 1e3 * mask.VocabularySeconds;
            if (result.Generation is { Mean: > 0 } g) report["json_mask_share_of_tg"] = mask.MillisecondsPerToken / (1e3 / g.Mean);
        }

        if (text == null) return result;
        string kv = options.KvCacheUsed.ToString().ToLowerInvariant();
        text.WriteLine($"| model | size | params | threads | mmap | kv | test | t/s |");
        text.WriteLine($"| --- | ---: | ---: | ---: | --- | --- | ---: | ---: |");
        string prefix = $"| {name} | {fileBytes / (double)(1L << 30):F2} GiB | {(parameters >= 1e9 ? $"{parameters / 1e9:F2} B" : $"{parameters / 1e6:F2} M")} | {reportedThreads} | {(noMmap ? "no" : "yes")} | {kv} |";
        if (result.Prompt is { } pp) text.WriteLine($"{prefix} pp{pp.Tokens} | {pp.Mean:F2} ± {pp.StdDev:F2} |");
        if (result.Generation is { } tg) text.WriteLine($"{prefix} tg{tg.Tokens} | {tg.Mean:F2} ± {tg.StdDev:F2} |");
        text.WriteLine();
        text.WriteLine($"load: {loadSeconds:F1} s{(noMmap ? $" (memory {(report["memory_locked"] is true ? "locked" : "not locked: the OS refused")})" : "")}; peak memory: {result.PeakMemoryBytes / 1e9:F2} GB");
        text.WriteLine($"weights read per generated token: {result.WeightBytesPerToken / 1e9:F3} GB; effective generation bandwidth: {result.GenerationBandwidthBytesPerSecond / 1e9:F2} GB/s");
        if (result.PromptProfile is { } promptProfile) WriteProfile(text, $"pp{options.PromptTokens}", promptProfile, options.Repetitions);
        if (result.GenerationProfile is { } generationProfile) WriteProfile(text, $"tg{options.GenerateTokens}", generationProfile, options.Repetitions);
        if (mask != null)
        {
            string share = result.Generation is { Mean: > 0 } g ? string.Create(CultureInfo.InvariantCulture, $" = {mask.MillisecondsPerToken / (1e3 / g.Mean):P2} of a tg{g.Tokens} token ({1e3 / g.Mean:F2} ms)") : "";
            text.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"json mask: {mask.MillisecondsPerToken:F3} ms/token over {mask.Tokens} tokens ({mask.Documents} documents){share}; vocabulary prepared once in {1e3 * mask.VocabularySeconds:F0} ms"));
        }
        return result;
    }

    private static void WriteProfile(TextWriter text, string test, TestProfile profile, int repetitions)
    {
        double products = profile.WallSeconds > 0 ? profile.Products.ProductSeconds / profile.WallSeconds : 0;
        text.WriteLine();
        text.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"where the time of {test} goes ({repetitions} repetition(s), {profile.Tokens} tokens): matrix products {products:P1}, the rest {profile.OutsideProductsShare:P1}"));
        text.WriteLine("| weight | calls/token | products/call | ms/token | share | GB/s |");
        text.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var e in profile.Products.Entries)
        {
            text.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {e.Weight} | {e.Calls / (double)profile.Tokens:F2} | {e.Products / (double)e.Calls:F1} | {1e3 * e.Seconds / profile.Tokens:F3} | {e.Seconds / profile.WallSeconds:P1} | {e.BytesPerSecond / 1e9:F1} |"));
        }
    }

    private static Dictionary<string, object?> ProfileReport(TestProfile profile) => new()
    {
        ["tokens"] = profile.Tokens,
        ["wall_seconds"] = profile.WallSeconds,
        ["outside_products_share"] = profile.OutsideProductsShare,
        ["weights"] = profile.Products.Entries.Select(e => new Dictionary<string, object?>
        {
            ["weight"] = e.Weight,
            ["calls"] = e.Calls,
            ["products"] = e.Products,
            ["bytes"] = e.Bytes,
            ["seconds"] = e.Seconds,
            ["bytes_per_second"] = e.BytesPerSecond,
        }).ToList(),
    };

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new CliUsageException($"{Option(name)} must be at least 1, got {value}");

    private static int NonNegative(int value, string name) =>
        value >= 0 ? value : throw new CliUsageException($"{Option(name)} must not be negative, got {value}");

    private static string Option(string name) => name.Length == 1 ? "-" + name : "--" + name;
}
