using System.Management.Automation;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>The KV cache of a model's cached sequences: tokens, bytes by component, bytes per token, format, and the comparison with MHA / GQA / MLA caches.</summary>
[Cmdlet(VerbsCommon.Get, "DSKvCacheStats")]
[OutputType(typeof(KvCacheReport), typeof(KvCacheLayerReport))]
public sealed class GetDSKvCacheStatsCommand : DSCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Model { get; set; }

    [Parameter]
    public SwitchParameter PerLayer { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var name in Model ?? [null!])
        {
            SessionModel model;
            try
            {
                model = Session.Resolve(name);
            }
            catch (ModelNotLoadedException e)
            {
                if (name == null) ThrowTerminatingError(ErrorMapping.Record(e, null));
                WriteError(ErrorMapping.Record(e, name));
                continue;
            }
            foreach (var report in model.GetKvCacheReports())
            {
                if (PerLayer) WriteObject(report.Layers, enumerateCollection: true);
                else WriteObject(report);
            }
        }
    }
}
