using System.Diagnostics;
using System.Management.Automation;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell;

/// <summary>
/// What every DeepSeekV4 cmdlet shares: the runspace's session, Ctrl+C (StopProcessing cancels the engine's work),
/// engine work run on a worker while its events are written here on the pipeline thread, path resolution, and
/// engine exceptions turned into error records.
/// </summary>
public abstract class DSCmdlet : PSCmdlet, IDisposable
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);
    private readonly CancellationTokenSource _stopping = new();
    private long _lastProgress;

    private InferenceSession? _session;

    /// <summary>
    /// This runspace's session. Read it on the pipeline thread (it is looked up through the thread's runspace), never
    /// inside work handed to <see cref="RunEngine{T}"/>; once read, the cmdlet keeps it.
    /// </summary>
    protected InferenceSession Session => _session ??= RunspaceSessions.Current;

    protected CancellationToken StopToken => _stopping.Token;

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>
    /// Runs <paramref name="work"/> on a worker thread, passing each engine event to <paramref name="onEvent"/> on
    /// this (the pipeline) thread as it comes (warnings are written here); returns the result or rethrows the work's
    /// exception.
    /// </summary>
    protected T RunEngine<T>(Func<Action<EngineEvent>, CancellationToken, T> work, Action<EngineEvent> onEvent)
    {
        using var run = BackgroundRun<T>.Start(work, StopToken);
        foreach (var e in run.Events())
        {
            if (e is WarningEvent warning) WriteWarning(warning.Message);
            else if (e is DiagnosticEvent verbose) WriteVerbose(verbose.Message);
            else onEvent(e);
        }
        return run.Result;
    }

    /// <summary>Writes a progress record at most every 200 ms, and always the completed one.</summary>
    protected void WriteThrottledProgress(ProgressRecord record)
    {
        long now = Stopwatch.GetTimestamp();
        if (record.RecordType != ProgressRecordType.Completed && Stopwatch.GetElapsedTime(_lastProgress, now) < ProgressInterval) return;
        _lastProgress = now;
        WriteProgress(record);
    }

    /// <summary>
    /// File-system paths for -Path (wildcards) or -LiteralPath; a path that matches nothing, is not a file-system path
    /// or names a directory is a non-terminating error and the others go on.
    /// </summary>
    protected List<string> ResolveFiles(IEnumerable<string> paths, bool literal)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            try
            {
                ProviderInfo provider;
                List<string> resolved;
                if (literal)
                {
                    resolved = [SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _)];
                }
                else
                {
                    resolved = [.. GetResolvedProviderPathFromPSPath(path, out provider)];
                    if (resolved.Count == 0) throw new ItemNotFoundException($"no file matches '{path}'");
                }
                if (provider.Name != "FileSystem")
                    throw new ArgumentException($"'{path}' is a {provider.Name} path; DeepSeekV4 reads files from the file system");
                foreach (var file in resolved)
                {
                    if (Directory.Exists(file)) WriteError(ErrorMapping.Record(new ArgumentException($"{file} is a directory, not a file"), file));
                    else files.Add(file);
                }
            }
            catch (Exception e) when (e is ItemNotFoundException or ArgumentException or NotSupportedException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                WriteError(ErrorMapping.Record(e, path));
            }
        }
        return files;
    }

    /// <summary>
    /// Reads each file of -Path (wildcards) or -LiteralPath as a document and hands (text, file) to
    /// <paramref name="process"/>; a path that matches nothing or a file that cannot be read is a non-terminating
    /// error and the others go on.
    /// </summary>
    protected void ForEachDocument(IEnumerable<string> paths, bool literal, Action<string, string> process)
    {
        foreach (var file in ResolveFiles(paths, literal))
        {
            DocumentText document;
            try
            {
                document = DocumentReader.Read(file);
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                WriteEngineError(e, file);
                continue;
            }
            WriteVerbose($"read {file} as {document.Encoding}");
            process(document.Text, file);
        }
    }

    /// <summary>Writes the exception as a non-terminating error, unless it is the pipeline being stopped.</summary>
    protected void WriteEngineError(Exception e, object? target)
    {
        if (e is OperationCanceledException && StopToken.IsCancellationRequested) return;
        WriteError(ErrorMapping.Record(e, target));
    }

    /// <summary>The session's model named <paramref name="name"/>, or the current one; terminating when there is none.</summary>
    protected ISessionModel ResolveModel(string? name)
    {
        try
        {
            return Session.Resolve(name);
        }
        catch (ModelNotLoadedException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, name));
            throw;
        }
    }

    /// <summary>As <see cref="ResolveModel"/>, for commands that need the model in this process; a remote one is terminating.</summary>
    protected SessionModel ResolveLocalModel(string? name)
    {
        if (ResolveModel(name) is SessionModel local) return local;
        try
        {
            return Session.ResolveLocal(name, MyInvocation.MyCommand.Name);
        }
        catch (InvalidOperationException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, name));
            throw;
        }
    }

    /// <summary>What a cmdlet holds beyond the pipeline's life (worker runs); called once, from <see cref="Dispose"/>.</summary>
    protected virtual void ReleaseResources()
    {
    }

    public void Dispose()
    {
        ReleaseResources();
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }
}
