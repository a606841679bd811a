namespace DeepSeekV4.Engine.Remote;

/// <summary>What Start-DSServer asks of a `dsv4 serve` child process.</summary>
public sealed record LocalServerOptions
{
    public required string ModelPath { get; init; }

    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; } = 8080;

    public string? ApiKey { get; init; }

    public int Parallel { get; init; } = 1;

    public int Queue { get; init; } = 16;

    public int? ContextLength { get; init; }

    /// <summary>The served model id (default: the file name without extension).</summary>
    public string? ServedName { get; init; }

    public int Threads { get; init; }

    /// <summary>How long to wait for the server to load the model and listen.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The command-line arguments of `dsv4 serve` (the key goes through the environment, not the command line).</summary>
    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string> { "serve", "--model", ModelPath, "--host", Host, "--port", Invariant(Port), "--parallel", Invariant(Parallel),
            "--queue", Invariant(Queue), "--threads", Invariant(Threads), "--exit-with-stdin" };
        if (ContextLength is { } c) args.AddRange(["--context-length", Invariant(c)]);
        if (ServedName != null) args.AddRange(["--name", ServedName]);
        return args;
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
