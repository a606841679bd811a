using System.Management.Automation;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>Frees a model's cached sequences in this session; the next completion starts without reusing a prefix.</summary>
[Cmdlet(VerbsCommon.Clear, "DSKvCache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ModelInfo))]
public sealed class ClearDSKvCacheCommand : DSCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Model { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        IEnumerable<ISessionModel> models = Model == null ? [ResolveModel(null)] : ModelSelection.Select(this, Session, Model);
        foreach (var selected in models)
        {
            if (selected is not SessionModel model)
            {
                WriteWarning($"'{selected.Name}' is a remote model: its KV cache is the server's and is not cleared from here");
                continue;
            }
            if (!ShouldProcess(model.Name, "Clear the KV cache")) continue;
            model.ClearKvCache();
            if (PassThru) WriteObject(Session.GetInfo(model));
        }
    }
}
