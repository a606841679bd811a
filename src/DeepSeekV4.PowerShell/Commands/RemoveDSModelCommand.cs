using System.Management.Automation;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>Removes models from this session and frees their memory (the weights stay while another runspace holds them); a remote model is disconnected.</summary>
[Cmdlet(VerbsCommon.Remove, "DSModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ModelInfo), typeof(DeepSeekV4.Engine.Remote.RemoteModelInfo))]
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
            var info = Session.Describe(model);
            if (!ShouldProcess($"{model.Name} ({InferenceSession.Origin(model)})",
                    model.Kind == ModelKind.Remote ? "Disconnect the remote model" : "Remove model and free its memory")) continue;
            Session.Remove(model);
            if (PassThru) WriteObject(info);
        }
    }
}
