using System.Management.Automation;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>Removes models from this session and frees their memory (the weights stay while another runspace holds them).</summary>
[Cmdlet(VerbsCommon.Remove, "DSModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ModelInfo))]
public sealed class RemoveDSModelCommand : DSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Model")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var model in ModelSelection.Select(this, Session, Name))
        {
            var info = Session.GetInfo(model);
            if (!ShouldProcess($"{model.Name} ({model.Path})", "Remove model and free its memory")) continue;
            Session.Remove(model);
            if (PassThru) WriteObject(info);
        }
    }
}
