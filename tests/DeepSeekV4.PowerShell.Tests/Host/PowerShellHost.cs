using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>What one script run in a <see cref="PowerShellHost"/> gave: output, every stream, and a terminating error.</summary>
public sealed record HostRun(
    Collection<PSObject> Output,
    IReadOnlyList<ErrorRecord> Errors,
    IReadOnlyList<WarningRecord> Warnings,
    IReadOnlyList<InformationRecord> Information,
    IReadOnlyList<ProgressRecord> Progress,
    IReadOnlyList<VerboseRecord> Verbose,
    RuntimeException? Terminating)
{
    /// <summary>The output's base objects of type <typeparamref name="T"/>.</summary>
    public List<T> Objects<T>() => [.. Output.Select(o => o.BaseObject).OfType<T>()];

    /// <summary>Every error of the run: the non-terminating ones, then the terminating one if it ended with one.</summary>
    public List<ErrorRecord> AllErrors => [.. Errors, .. Terminating == null ? [] : new[] { Terminating.ErrorRecord }];

    /// <summary>The run's one error (non-terminating or terminating); fails when there are none or several.</summary>
    public ErrorRecord SingleError()
    {
        var all = AllErrors;
        if (all.Count != 1)
            throw new Xunit.Sdk.XunitException($"expected exactly one error, got {all.Count}:\n" + string.Join("\n", all.Select(e => $"{e.FullyQualifiedErrorId} ({e.CategoryInfo.Category}): {e}")));
        return all[0];
    }

    /// <summary>Fails with the errors' text when the run wrote any error or ended with one.</summary>
    public HostRun Succeeded()
    {
        if (Terminating != null) throw new Xunit.Sdk.XunitException($"terminating error: {Terminating.ErrorRecord}\n{Terminating}");
        if (Errors.Count > 0) throw new Xunit.Sdk.XunitException("errors:\n" + string.Join("\n", Errors.Select(e => $"{e.FullyQualifiedErrorId}: {e}")));
        return this;
    }
}

/// <summary>
/// A real PowerShell 7.6 runspace in this process (Microsoft.PowerShell.SDK) with the module imported from the
/// repository's manifest, as a user's <c>Import-Module ./DeepSeekV4.psd1</c> would.
/// </summary>
public sealed class PowerShellHost : IDisposable
{
    private readonly Runspace _runspace;

    public PowerShellHost(bool importModule = true)
    {
        var state = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows()) state.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
        if (importModule) Run("Import-Module -Name $args[0] -ErrorAction Stop", ModulePath).Succeeded();
    }

    public static string ModulePath => RepositoryPaths.Get("DeepSeekV4.psd1");

    /// <summary>The dsv4-tiny fixture model (DeepSeek's reference configuration, maximum context 1,024).</summary>
    public static string TinyModelPath => RepositoryPaths.Get("tests", "fixtures", "dsv4-tiny", "dsv4-tiny.f16.gguf");

    public Runspace Runspace => _runspace;

    /// <summary>A host with <paramref name="model"/> (default: the tiny fixture) imported and current.</summary>
    public static PowerShellHost WithModel(string? model = null, string extraParameters = "")
    {
        var host = new PowerShellHost();
        try
        {
            host.Run($"Import-DSModel -LiteralPath $args[0] {extraParameters}", model ?? TinyModelPath).Succeeded();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="script"/>; <paramref name="arguments"/> are its $args.</summary>
    public HostRun Run(string script, params object?[] arguments)
    {
        using var ps = Create(script, arguments);
        return Collect(ps, () => ps.Invoke());
    }

    /// <summary>Runs <paramref name="script"/> with <paramref name="input"/> piped into it.</summary>
    public HostRun RunWithInput(string script, IEnumerable input, params object?[] arguments)
    {
        using var ps = Create(script, arguments);
        return Collect(ps, () => ps.Invoke(input));
    }

    /// <summary>A PowerShell instance on this runspace, for tests that start, stop or inspect it themselves.</summary>
    public System.Management.Automation.PowerShell Create(string script, params object?[] arguments)
    {
        var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        foreach (var a in arguments) ps.AddArgument(a);
        return ps;
    }

    public static HostRun Collect(System.Management.Automation.PowerShell ps, Func<Collection<PSObject>> invoke)
    {
        Collection<PSObject> output;
        RuntimeException? terminating = null;
        try
        {
            output = invoke();
        }
        catch (RuntimeException e)
        {
            output = [];
            terminating = e;
        }
        return new HostRun(output, [.. ps.Streams.Error], [.. ps.Streams.Warning], [.. ps.Streams.Information],
            [.. ps.Streams.Progress], [.. ps.Streams.Verbose], terminating);
    }

    public void Dispose() => _runspace.Dispose();
}
