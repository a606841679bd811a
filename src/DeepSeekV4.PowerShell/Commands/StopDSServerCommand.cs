using System.Management.Automation;
using DeepSeekV4.Engine.Remote;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>
/// Stops `dsv4 serve` processes started by Start-DSServer: each stops serving and exits (killed after 10 s), and the
/// remote models connected to it are removed from the session.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "DSServer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(LocalServerInfo))]
public sealed class StopDSServerCommand : DSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public int[] Id { get; set; } = [];

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var server in ServerSelection.Select(this, Session, Id))
        {
            if (!ShouldProcess($"dsv4 serve {server.Id} on {server.Api} (process {server.ProcessId})", "Stop the server")) continue;
            Session.StopServer(server);
            if (PassThru) WriteObject(server.Describe());
        }
    }
}
