using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace DeepSeekV4.PowerShell;

/// <summary>Remove-Module DeepSeekV4 releases this runspace's models (the weights go when no other runspace holds them).</summary>
public sealed class ModuleCleanup : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo) => RunspaceSessions.End(Runspace.DefaultRunspace);
}
