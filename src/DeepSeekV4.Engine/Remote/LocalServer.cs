using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DeepSeekV4.Engine.Remote;

/// <summary>
/// `dsv4 serve` as a child process of this one (Start-DSServer): started with the model, ready once it reports the
/// address it listens on, stopped gracefully by closing its standard input (killed when it does not stop in time).
/// A child process rather than in-process hosting because PowerShell does not load ASP.NET Core's shared framework.
/// </summary>
public sealed partial class LocalServer : IDisposable
{
    private static int _lastId;
    private readonly Process _process;
    private bool _disposed;

    private LocalServer(Process process, Uri api, LocalServerOptions options)
    {
        _process = process;
        Api = api;
        Options = options;
        Id = Interlocked.Increment(ref _lastId);
        ProcessId = process.Id;
        StartTime = DateTimeOffset.Now;
    }

    /// <summary>A number for this process's servers, 1, 2, …</summary>
    public int Id { get; }

    public Uri Api { get; }

    public LocalServerOptions Options { get; }

    public DateTimeOffset StartTime { get; }

    public int ProcessId { get; }

    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>
    /// Starts <paramref name="dsv4"/> (dsv4.dll, run with the dotnet host, or a dsv4 executable) serving the model and
    /// waits until it listens; a server that exits or stays silent first is an error with what it wrote to stderr.
    /// </summary>
    public static LocalServer Start(string dsv4, LocalServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!File.Exists(dsv4)) throw new FileNotFoundException($"the dsv4 tool is not where the module expects it: {dsv4}", dsv4);
        var info = dsv4.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo(DotnetHost()) { ArgumentList = { dsv4 } }
            : new ProcessStartInfo(dsv4);
        foreach (var a in options.Arguments()) info.ArgumentList.Add(a);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        if (options.ApiKey != null) info.Environment["DSV4_API_KEY"] = options.ApiKey;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dsv4}");
        var errors = new List<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (errors) errors.Add(e.Data); };
        process.BeginErrorReadLine();
        try
        {
            var line = process.StandardOutput.ReadLineAsync(cancellationToken).AsTask();
            if (!line.Wait(options.StartTimeout) || line.Result is not { } text || Address().Match(text) is not { Success: true } match)
            {
                process.WaitForExit(2000);
                string said;
                lock (errors) said = string.Join(" ", errors);
                throw new InvalidOperationException($"dsv4 serve did not start with {options.ModelPath}" +
                                                    (process.HasExited ? $" (it exited with code {process.ExitCode})" : $" within {options.StartTimeout.TotalSeconds:0} s") +
                                                    (said.Length > 0 ? $": {said}" : ""));
            }
            // Later output is drained so that the child never blocks on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            return new LocalServer(process, new Uri(match.Groups[1].Value), options);
        }
        catch
        {
            Kill(process);
            process.Dispose();
            throw;
        }
    }

    public LocalServerInfo Describe() => new(Id, HasExited ? "Exited" : "Running", Api, Options.ModelPath, Options.Parallel, Options.Queue,
        ProcessId, StartTime, Options.ApiKey != null);

    /// <summary>Closes the server's standard input (it stops serving and exits); kills it after <paramref name="grace"/>.</summary>
    public void Stop(TimeSpan grace)
    {
        if (_disposed) return;
        if (!_process.HasExited)
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
            if (!_process.WaitForExit(grace)) Kill(_process);
        }
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Stop(TimeSpan.FromSeconds(10));
        _disposed = true;
        _process.Dispose();
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>The dotnet host running this process when it is one (pwsh as a .NET tool, tests), else "dotnet" from PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host) return host;
        string? self = Environment.ProcessPath;
        return self != null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
    }

    [GeneratedRegex(@" on (https?://\S+/v1)")]
    private static partial Regex Address();
}
