using System.Management.Automation;
using DeepSeekV4.Engine.Remote;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>The `dsv4 serve` processes this session started with Start-DSServer (all, or those with the ids given).</summary>
[Cmdlet(VerbsCommon.Get, "DSServer")]
[OutputType(typeof(LocalServerInfo))]
public sealed class GetDSServerCommand : DSCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public int[]? Id { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var server in ServerSelection.Select(this, Session, Id)) WriteObject(server.Describe());
    }
}
