using System.Management.Automation;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Remote;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>
/// The KV cache of a model's cached sequences: tokens, bytes by component, bytes per token, format, and the comparison
/// with MHA / GQA / MLA caches. For a remote model, what its server's Prometheus /metrics says (KV-cache usage,
/// prefix-cache hit rate, running and waiting requests), or a warning that it has none.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DSKvCacheStats")]
[OutputType(typeof(KvCacheReport), typeof(KvCacheLayerReport), typeof(RemoteServerStats))]
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
            ISessionModel model;
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
            switch (model)
            {
                case SessionModel local:
                    foreach (var report in local.GetKvCacheReports())
                    {
                        if (PerLayer) WriteObject(report.Layers, enumerateCollection: true);
                        else WriteObject(report);
                    }
                    break;
                case RemoteModel remote:
                    if (PerLayer) WriteWarning($"'{remote.Name}' is a remote model: its server reports no per-layer KV cache");
                    var stats = RunEngine((_, ct) => remote.GetServerStats(ct), _ => { });
                    if (!stats.HasMetrics) WriteWarning($"'{remote.Name}': {stats.Note}");
                    WriteObject(stats);
                    break;
            }
        }
    }
}
