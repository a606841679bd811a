using System.Management.Automation;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>The models of this session, loaded or connected (all, or those whose names match).</summary>
[Cmdlet(VerbsCommon.Get, "DSModel")]
[OutputType(typeof(ModelInfo), typeof(DeepSeekV4.Engine.Remote.RemoteModelInfo))]
public sealed class GetDSModelCommand : DSCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Model")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Name { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var model in ModelSelection.Select(this, Session, Name)) WriteObject(Session.Describe(model));
    }
}
