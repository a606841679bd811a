using System.Management.Automation;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Inference.Perplexity;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>
/// Scores each piped string or file with the session's model once per KV-cache format against one baseline run
/// (another format of the same model, or another loaded model of the same family): one result object per
/// (input, format) with perplexity, its change, and the KL-divergence statistics.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "DSPerplexity", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(PerplexityMeasurement))]
public sealed class MeasureDSPerplexityCommand : DSCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private SessionModel? _model;
    private SessionModel? _baselineModel;
    private int _pipelineItem;

    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [AllowEmptyString]
    public string InputObject { get; set; } = "";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    [Parameter]
    [TokenCountTransformation]
    [ValidateRange(3, int.MaxValue)]
    public int ContextLength { get; set; } = PerplexityRequest.DefaultContextLength;

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Stride { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public KvCacheFormat[] KvCacheType { get; set; } = [];

    [Parameter]
    public KvCacheFormat BaselineKvCacheType { get; set; } = KvCacheFormat.Native;

    [Parameter]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? BaselineModel { get; set; }

    protected override void BeginProcessing()
    {
        _model = ResolveLocalModel(Model);
        if (BaselineModel != null) _baselineModel = ResolveLocalModel(BaselineModel);
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case PathSet:
            case LiteralPathSet:
                ForEachDocument(ParameterSetName == PathSet ? Path : LiteralPath, ParameterSetName == LiteralPathSet, Measure);
                break;
            default:
                Measure(InputObject, MyInvocation.ExpectingInput ? $"pipeline:{++_pipelineItem}" : "InputObject");
                break;
        }
    }

    private void Measure(string text, string source)
    {
        var request = new PerplexityRequest
        {
            Text = text,
            Source = source,
            // Without -KvCacheType: the format the model was imported with (with -BaselineModel, that compares weights).
            Formats = KvCacheType.Length > 0 ? KvCacheType : [_model!.KvCacheType],
            BaselineFormat = BaselineKvCacheType,
            Options = new PerplexityOptions { ContextLength = ContextLength, Stride = Stride > 0 ? Stride : null },
        };
        var progress = new ProgressRecord(3, "Measure-DSPerplexity", $"Scoring {source}");
        try
        {
            var results = RunEngine((post, ct) => PerplexityComparison.Run(_model!, request, _baselineModel, post, ct), e =>
            {
                if (e is not PerplexityProgressEvent p) return;
                progress.StatusDescription = $"Scoring {source} with the {p.Stage} cache (run {p.Run} of {p.Runs})" +
                                             (p.Total > 0 ? $": {p.Done:N0} of {p.Total:N0} tokens" : "");
                progress.PercentComplete = (int)(100.0 * ((p.Run - 1) + (p.Total > 0 ? (double)p.Done / p.Total : 0)) / p.Runs);
                WriteThrottledProgress(progress);
            });
            progress.RecordType = ProgressRecordType.Completed;
            WriteThrottledProgress(progress);
            foreach (var r in results) WriteObject(r);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteEngineError(e, source);
        }
    }
}
