using System.Reflection;
using DeepSeekV4.Engine.Remote;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// `dsv4 serve` with the tiny fixture model as a child process (the engine's <see cref="LocalServer"/>, which
/// Start-DSServer uses) on a loopback port: a free one at first, the same one when restarted. Stopping does not wait
/// for a graceful exit: the process is killed at once, as a crashed server goes away.
/// </summary>
public sealed class ServeProcess : IDisposable
{
    private readonly LocalServerOptions _options;
    private LocalServer? _server;

    public ServeProcess(string apiKey, int parallel = 2, int queue = 32)
    {
        ApiKey = apiKey;
        _options = new LocalServerOptions
        {
            ModelPath = PowerShellHost.TinyModelPath, Port = 0, ContextLength = 512, Threads = 1, Parallel = parallel, Queue = queue, ApiKey = apiKey,
            StartTimeout = TimeSpan.FromSeconds(90),
        };
        _server = LocalServer.Start(Dsv4Path, _options);
        Api = _server.Api;
    }

    public string ApiKey { get; }

    /// <summary>The API base, http://127.0.0.1:PORT/v1.</summary>
    public Uri Api { get; }

    /// <summary>dsv4.dll as built beside the tests (the Dsv4Path assembly metadata).</summary>
    public static string Dsv4Path =>
        typeof(ServeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Dsv4Path").Value!;

    /// <summary>Kills the server (connections drop, the port closes).</summary>
    public void Stop()
    {
        _server?.Stop(TimeSpan.Zero);
        _server?.Dispose();
        _server = null;
    }

    /// <summary>Starts it again on the same port.</summary>
    public void Restart()
    {
        Stop();
        _server = LocalServer.Start(Dsv4Path, _options with { Port = Api.Port });
    }

    public void Dispose() => Stop();
}
