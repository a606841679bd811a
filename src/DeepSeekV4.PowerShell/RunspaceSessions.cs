using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell;

/// <summary>
/// One <see cref="InferenceSession"/> per runspace, so parallel runspaces (ForEach-Object -Parallel, thread jobs)
/// each have their own current model and sequences while sharing the weights through the engine's registry. The
/// session ends with its runspace or when the module is removed.
/// </summary>
internal static class RunspaceSessions
{
    private static readonly ConditionalWeakTable<Runspace, InferenceSession> Sessions = new();

    public static InferenceSession Current
    {
        get
        {
            var runspace = Runspace.DefaultRunspace
                ?? throw new InvalidOperationException("DeepSeekV4 cmdlets need a runspace (Runspace.DefaultRunspace is not set on this thread)");
            return Sessions.GetValue(runspace, Create);
        }
    }

    /// <summary>The session of this runspace if it has one (completers must not create sessions).</summary>
    public static InferenceSession? Existing =>
        Runspace.DefaultRunspace is { } runspace && Sessions.TryGetValue(runspace, out var session) ? session : null;

    public static void End(Runspace? runspace)
    {
        if (runspace == null || !Sessions.TryGetValue(runspace, out var session)) return;
        Sessions.Remove(runspace);
        session.Dispose();
    }

    private static InferenceSession Create(Runspace runspace)
    {
        runspace.StateChanged += OnStateChanged;
        return new InferenceSession(ModelRegistry.Shared);
    }

    private static void OnStateChanged(object? sender, RunspaceStateEventArgs e)
    {
        if (e.RunspaceStateInfo.State is RunspaceState.Closed or RunspaceState.Broken && sender is Runspace runspace) End(runspace);
    }
}
