using System.Text.Json;
using System.Text.Json.Serialization;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Sampling;
using DeepSeekV4.Engine.Sampling.Constraints;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 complete --model FILE --prompt TEXT [--file PATH]...`: Invoke-DSCompletion without PowerShell. Prints a
/// JSON array with one result per input (each file, or the prompt alone), the same objects the cmdlet returns;
/// with files, the prompt is placed before each document and the shared part is reused from the cache.
/// `--json-schema FILE` constrains each output to a JSON document satisfying the schema in FILE, `--json` to any
/// JSON object; the results then carry the parsed document ("Json") and whether it is complete ("JsonComplete").
/// </summary>
public sealed class CompleteCommand(ModelRegistry? registry) : ICliCommand, IFlagDeclaringCommand
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public CompleteCommand()
        : this(null)
    {
    }

    public string Name => "complete";

    public string Usage => "complete --model FILE [--mtp FILE] --prompt TEXT [--file PATH]... [--system TEXT] [--max-tokens N] [--temperature T] " +
                           "[--top-p P] [--top-k K] [--min-p P] [--repeat-penalty R] [--seed S] [--stop TEXT]... [--think] [--json-schema FILE | --json] " +
                           "[--context-length N|128K|1M] [--kv-cache native|f32|f16|bf16|q8_0|q4_0] [--threads N] [--force] " + NumericsOption.Usage + " " + DeviceOption.Usage;

    public IEnumerable<string> Flags => ["think", "force", "json"];

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count > 0) throw new CliUsageException($"unexpected argument '{args.Positional[0]}' (files go after --file)");
        string modelPath = args.Require("model");
        string? prompt = args.Get("prompt");
        var files = args.GetAll("file");
        if (prompt == null && files.Count == 0) throw new CliUsageException("give --prompt, --file, or both");
        var template = new CompletionRequest
        {
            Prompt = prompt,
            SystemPrompt = args.Get("system"),
            Think = args.Has("think"),
            MaxTokens = args.GetInt("max-tokens", CompletionRequest.DefaultMaxTokens),
            Stop = args.GetAll("stop"),
            JsonOutput = JsonOutput(args),
            Sampling = new SamplerSettings
            {
                Temperature = args.GetDouble("temperature", 1.0),
                TopP = args.GetDouble("top-p", 1.0),
                TopK = args.GetInt("top-k", 0),
                MinP = args.GetDouble("min-p", 0),
                RepetitionPenalty = args.GetDouble("repeat-penalty", 1.0),
                FrequencyPenalty = args.GetDouble("frequency-penalty", 0),
                PresencePenalty = args.GetDouble("presence-penalty", 0),
                Seed = args.Get("seed") is { } seed ? ParseSeed(seed) : null,
            },
        };
        template.Sampling.Validate();
        int? contextLength = args.Get("context-length") is { } c ? ParseTokens(c) : null;
        var format = KvCacheFormatOption.ParseOptional(args.Get("kv-cache"));
        var options = new ModelLoadOptions { Threads = args.GetInt("threads", 0), MtpPath = args.Get("mtp"), Numerics = NumericsOption.Parse(args.Get("numerics")) };
        (var device, int deviceId) = DeviceOption.Parse(args.Get("device"));
        options = options with { Device = device, DeviceId = deviceId };
        bool force = args.Has("force");
        if (args.Unused().FirstOrDefault() is { } unknown) throw new CliUsageException($"unknown option --{unknown}");

        using var session = new InferenceSession(registry ?? ModelRegistry.Shared);
        var model = CliModelImport.Import(session, modelPath, contextLength: contextLength, format: format, options: options, force: force);
        var results = new List<CompletionResult>();
        int failures = 0;
        if (files.Count == 0) results.Add(model.Complete(template with { Source = "prompt" }));
        foreach (var file in files)
        {
            try
            {
                string path = Path.GetFullPath(file);
                results.Add(model.Complete(template with { Document = DocumentReader.Read(path).Text, Source = path }));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ContextOverflowException)
            {
                Console.Error.WriteLine($"dsv4 complete: {file}: {e.Message}");
                failures++;
            }
        }
        output.WriteLine(JsonSerializer.Serialize(results, Json));
        return failures == 0 ? 0 : 1;
    }

    /// <summary>--json-schema FILE (the schema read and compiled now, so a refused one stops before the model loads) or --json.</summary>
    private static JsonOutputFormat? JsonOutput(CliArguments args)
    {
        string? schemaPath = args.Get("json-schema");
        bool json = args.Has("json");
        if (schemaPath != null && json) throw new CliUsageException("give --json-schema FILE or --json, not both");
        if (json) return JsonOutputFormat.AnyObject;
        if (schemaPath == null) return null;
        string full = Path.GetFullPath(schemaPath);
        if (!File.Exists(full)) throw new CliUsageException($"--json-schema: file not found: {full}");
        try
        {
            return JsonOutputFormat.FromSchema(File.ReadAllText(full));
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--json-schema {full}: {e.Message}");
        }
    }

    private static ulong ParseSeed(string s) =>
        ulong.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out ulong v)
            ? v
            : throw new CliUsageException($"--seed expects a non-negative integer, got '{s}'");

    private static int ParseTokens(string s)
    {
        try
        {
            return TokenCount.Parse(s);
        }
        catch (FormatException e)
        {
            throw new CliUsageException($"--context-length: {e.Message}");
        }
    }

}
