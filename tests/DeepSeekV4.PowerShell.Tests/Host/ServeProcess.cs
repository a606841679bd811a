using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// `dsv4 serve` with the tiny fixture model as a child process on a loopback port (a free one at first; the same one
/// when restarted), stopped by killing it as a crashed or stopped server would go away.
/// </summary>
public sealed partial class ServeProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _arguments;
    private Process? _process;

    public ServeProcess(string apiKey, int parallel = 2, int queue = 32)
    {
        ApiKey = apiKey;
        _arguments = $"serve --model \"{PowerShellHost.TinyModelPath}\" --context-length 512 --threads 1 --parallel {parallel} --queue {queue} --api-key {apiKey}";
        Start(0);
    }

    public string ApiKey { get; }

    /// <summary>The API base, http://127.0.0.1:PORT/v1.</summary>
    public Uri Api { get; private set; } = null!;

    public static string Dsv4Path =>
        typeof(ServeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Dsv4Path").Value!;

    /// <summary>Kills the server (connections drop, the port closes).</summary>
    public void Stop()
    {
        if (_process == null) return;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
        _process.WaitForExit(30_000);
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts it again on the same port.</summary>
    public void Restart()
    {
        Stop();
        Start(Api.Port);
    }

    private void Start(int port)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet, $"\"{Dsv4Path}\" {_arguments} --port {port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(info) ?? throw new InvalidOperationException("dsv4 serve did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(StartTimeout) || ready.Result is not { } line || Address().Match(line) is not { Success: true } match)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"dsv4 serve did not report its address within {StartTimeout.TotalSeconds} s (exited: {process.HasExited})");
        }
        _process = process;
        Api = new Uri(match.Groups[1].Value);
    }

    public void Dispose() => Stop();

    [GeneratedRegex(@" on (http://\S+/v1)")]
    private static partial Regex Address();
}
