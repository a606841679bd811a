using DeepSeekV4.Cli.Serving;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Cli.Commands;

/// <summary>
/// `dsv4 serve --model FILE [--host 127.0.0.1] [--port 8080] [--api-key KEY] [--parallel N] [--queue N]`: the local
/// engine behind the OpenAI HTTP API (see <see cref="OpenAiServer"/>) until Ctrl+C / SIGTERM, or until
/// <paramref name="stopping"/> is cancelled (tests).
/// </summary>
public sealed class ServeCommand(ModelRegistry? registry, CancellationToken stopping = default) : ICliCommand, IFlagDeclaringCommand
{
    public ServeCommand()
        : this(null)
    {
    }

    public string Name => "serve";

    public string Usage => "serve --model FILE [--host 127.0.0.1] [--port 8080] [--api-key KEY] [--parallel N] [--queue N] [--name ID] " +
                           "[--mtp FILE] [--context-length N|128K|1M] [--kv-cache native|f32|f16|bf16|q8_0|q4_0] [--threads N] [--no-mmap] [--force] [--exit-with-stdin] " +
                           NumericsOption.Usage;

    public IEnumerable<string> Flags => ["no-mmap", "force", "exit-with-stdin"];

    public int Run(CliArguments args, TextWriter output)
    {
        if (args.Positional.Count > 0) throw new CliUsageException($"unexpected argument '{args.Positional[0]}'");
        var options = new ServeOptions
        {
            ModelPath = args.Require("model"),
            ServedName = args.Get("name"),
            Host = args.Get("host") ?? "127.0.0.1",
            Port = args.GetInt("port", 8080),
            ApiKey = args.Get("api-key") ?? Environment.GetEnvironmentVariable("DSV4_API_KEY"),
            Parallel = args.GetInt("parallel", 1),
            Queue = args.GetInt("queue", 16),
            ContextLength = args.Get("context-length") is { } c ? ParseTokens(c) : null,
            KvCacheFormat = KvCacheFormatOption.ParseOptional(args.Get("kv-cache")),
            LoadOptions = new ModelLoadOptions
            {
                Threads = args.GetInt("threads", 0),
                LoadMode = args.Has("no-mmap") ? GgufLoadMode.InMemory : GgufLoadMode.Mapped,
                Numerics = NumericsOption.Parse(args.Get("numerics")),
                MtpPath = args.Get("mtp"),
            },
            Force = args.Has("force"),
        };
        // --exit-with-stdin: the parent (Start-DSServer) stops the server by closing its standard input, a graceful
        // stop that works alike on every platform.
        bool exitWithStdin = args.Has("exit-with-stdin");
        if (args.Unused().FirstOrDefault() is { } unknown) throw new CliUsageException($"unknown option --{unknown}");
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException(e.Message.Split(" (Parameter")[0]);
        }

        var server = OpenAiServer.StartAsync(options, registry ?? ModelRegistry.Shared).GetAwaiter().GetResult();
        try
        {
            var model = server.Pool.Model;
            output.WriteLine($"dsv4 serve: '{model.Name}' ({model.ContextLength} tokens of context, {options.Parallel} slot(s), queue {options.Queue}) " +
                             $"on {server.Address}v1{(options.ApiKey == null ? "" : " (API key required)")}; Ctrl+C stops");
            output.Flush();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            if (exitWithStdin) _ = Task.Run(() => StopAtEndOfInput(stop), CancellationToken.None);
            server.WaitForShutdownAsync(stop.Token).GetAwaiter().GetResult();
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return 0;
    }

    private static void StopAtEndOfInput(CancellationTokenSource stop)
    {
        while (Console.In.ReadLine() != null)
        {
        }
        try
        {
            stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the server stopped on its own first
        }
    }

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
