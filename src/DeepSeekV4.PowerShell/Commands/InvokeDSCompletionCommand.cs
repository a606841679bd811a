using System.Management.Automation;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Sampling;
using DeepSeekV4.Engine.Sampling.Constraints;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>
/// Completes a prompt, or each piped string or file, with the session's model: one result object per input.
/// Strings bind by value; FileInfo objects and anything with a PSPath or FullName bind by property name. A remote
/// model gets up to -ThrottleLimit requests at once; the results still come out in input order.
/// With -JsonSchema or -Json each output is one JSON document (constrained while it is generated); the result's
/// Data note property holds it as PowerShell objects, and -AsObject writes those objects instead of the result,
/// each with a PSSourceDocument note property naming its input.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "DSCompletion", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(DeepSeekV4.Engine.Inference.CompletionResult))]
public sealed class InvokeDSCompletionCommand : DSCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>The note property -AsObject adds to each object: the input it came from (a path, or pipeline:N).</summary>
    public const string SourceProperty = "PSSourceDocument";

    /// <summary>The note property added to the result with JSON output: the parsed document (null when incomplete).</summary>
    public const string DataProperty = "Data";

    private ISessionModel? _model;
    private OrderedRuns<DeepSeekV4.Engine.Inference.CompletionResult>? _concurrent;
    private bool _streamed;
    private SamplerSettings _sampling = new();
    private JsonOutputFormat? _jsonOutput;
    private int _pipelineItem;

    [Parameter(Position = 0)]
    public string? Prompt { get; set; }

    [Parameter(ParameterSetName = InputObjectSet, ValueFromPipeline = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? InputObject { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter]
    public string? Instruction { get; set; }

    [Parameter]
    [Alias("System")]
    public string? SystemPrompt { get; set; }

    [Parameter]
    [Alias("max_tokens")]
    [ValidateRange(0, int.MaxValue)]
    public int MaxTokens { get; set; } = CompletionRequest.DefaultMaxTokens;

    [Parameter]
    [ValidateRange(0.0, 10.0)]
    public double Temperature { get; set; } = 1.0;

    [Parameter]
    [Alias("top_p")]
    [ValidateRangeAbove(0.0, 1.0)]
    public double TopP { get; set; } = 1.0;

    [Parameter]
    [Alias("top_k")]
    [ValidateRange(0, int.MaxValue)]
    public int TopK { get; set; }

    [Parameter]
    [Alias("min_p")]
    [ValidateRange(0.0, 1.0)]
    public double MinP { get; set; }

    [Parameter]
    [ValidateRangeAbove(0.0, 10.0)]
    public double RepeatPenalty { get; set; } = 1.0;

    [Parameter]
    public ulong Seed { get; set; }

    [Parameter]
    [Alias("StopSequence")]
    [ValidateNotNullOrEmpty]
    public string[] Stop { get; set; } = [];

    [Parameter]
    public SwitchParameter Think { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    [Parameter]
    public SwitchParameter Stream { get; set; }

    /// <summary>Requests sent at once to a remote model (default: its endpoint's -MaxConcurrency); a local model completes one at a time.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; }

    /// <summary>A JSON Schema (hashtable — [ordered] keeps the property order —, PSCustomObject, JSON string, or path of a .json file).</summary>
    [Parameter]
    [ValidateNotNull]
    public object? JsonSchema { get; set; }

    /// <summary>Any JSON object (no schema).</summary>
    [Parameter]
    public SwitchParameter Json { get; set; }

    /// <summary>Writes the parsed JSON document instead of the result (implies -Json when no -JsonSchema is given).</summary>
    [Parameter]
    public SwitchParameter AsObject { get; set; }

    protected override void BeginProcessing()
    {
        _model = ResolveModel(Model);
        if (_model is DeepSeekV4.Engine.Remote.RemoteModel remote)
            _concurrent = new(MyInvocation.BoundParameters.ContainsKey(nameof(ThrottleLimit)) ? ThrottleLimit : remote.Options.MaxConcurrency, StopToken);
        _sampling = new SamplerSettings
        {
            Temperature = Temperature,
            TopP = TopP,
            TopK = TopK,
            MinP = MinP,
            RepetitionPenalty = RepeatPenalty,
            Seed = MyInvocation.BoundParameters.ContainsKey(nameof(Seed)) ? Seed : null,
        };
        try
        {
            _sampling.Validate();
            if (JsonSchema != null && Json) throw new ArgumentException("give -JsonSchema or -Json, not both");
            _jsonOutput = JsonSchema != null
                ? JsonSchemaArgument.ToFormat(JsonSchema, SessionState.Path.GetUnresolvedProviderPathFromPSPath)
                : Json || AsObject ? JsonOutputFormat.AnyObject : null;
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, JsonSchema));
        }
    }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case PathSet:
            case LiteralPathSet:
                ForEachDocument(ParameterSetName == PathSet ? Path : LiteralPath, ParameterSetName == LiteralPathSet, Complete);
                break;
            default:
                if (MyInvocation.ExpectingInput)
                {
                    if (InputObject == null) return;
                    _pipelineItem++;
                    Complete(InputObject, $"pipeline:{_pipelineItem}");
                }
                else if (InputObject != null)
                {
                    Complete(InputObject, "InputObject");
                }
                else if (Prompt != null)
                {
                    Complete(null, "prompt");
                }
                else
                {
                    ThrowTerminatingError(ErrorMapping.Record(
                        new ArgumentException("give a -Prompt, pipe strings or files, or use -Path / -LiteralPath"), null));
                }
                break;
        }
    }

    private void Complete(string? document, string source)
    {
        var request = new CompletionRequest
        {
            Prompt = Prompt,
            Instruction = Instruction,
            Document = document,
            Source = source,
            SystemPrompt = SystemPrompt,
            Think = Think,
            MaxTokens = MaxTokens,
            Stop = Stop,
            Sampling = _sampling,
            JsonOutput = _jsonOutput,
        };
        var model = _model!;
        if (_concurrent != null)
        {
            foreach (var output in _concurrent.Add(source, (post, ct) => model.Complete(request, post, ct))) Write(output);
            return;
        }
        var progress = new ProgressRecord(2, "Invoke-DSCompletion", $"Reading the prompt of {source}");
        try
        {
            var result = RunEngine((post, ct) => model.Complete(request, post, ct), e => OnEvent(e, source, progress));
            progress.RecordType = ProgressRecordType.Completed;
            WriteThrottledProgress(progress);
            WriteResult(result, source);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteEngineError(e, source);
        }
    }

    protected override void EndProcessing()
    {
        if (_concurrent == null) return;
        foreach (var output in _concurrent.Finish()) Write(output);
    }

    protected override void ReleaseResources() => _concurrent?.Dispose();

    /// <summary>One output of the concurrent (remote) runs, which come in input order.</summary>
    private void Write(OrderedOutput<DeepSeekV4.Engine.Inference.CompletionResult> output)
    {
        switch (output)
        {
            case OrderedEvent<DeepSeekV4.Engine.Inference.CompletionResult> e when e.Event is WarningEvent warning:
                WriteWarning(warning.Message);
                break;
            case OrderedEvent<DeepSeekV4.Engine.Inference.CompletionResult> e:
                OnEvent(e.Event, (string)e.Tag!, null);
                break;
            case OrderedResult<DeepSeekV4.Engine.Inference.CompletionResult> r:
                WriteResult(r.Result, (string)r.Tag!);
                break;
            case OrderedFailure<DeepSeekV4.Engine.Inference.CompletionResult> f:
                _streamed = false;
                WriteEngineError(f.Error, f.Tag);
                break;
        }
    }

    private void OnEvent(EngineEvent e, string source, ProgressRecord? progress)
    {
        switch (e)
        {
            case TextChunkEvent chunk when Stream:
                WriteInformation(new HostInformationMessage { Message = chunk.Text, NoNewLine = true }, ["PSHOST", "DSCompletion.Chunk"]);
                _streamed = true;
                break;
            case PrefillProgressEvent p when p.Total > 0 && progress != null:
                progress.StatusDescription = $"Reading the prompt of {source}: {p.Done:N0} of {p.Total:N0} tokens";
                progress.PercentComplete = (int)(100L * p.Done / p.Total);
                WriteThrottledProgress(progress);
                break;
            case DiagnosticEvent d:
                WriteVerbose(d.Message);
                break;
        }
    }

    /// <summary>The result, after the line break that ends its streamed chunks.</summary>
    private void WriteResult(DeepSeekV4.Engine.Inference.CompletionResult result, string source)
    {
        if (_streamed) WriteInformation(new HostInformationMessage { Message = "" }, ["PSHOST", "DSCompletion.Chunk"]);
        _streamed = false;
        if (_jsonOutput == null) WriteObject(result);
        else WriteJsonResult(result, source);
    }

    private void WriteJsonResult(DeepSeekV4.Engine.Inference.CompletionResult result, string source)
    {
        object? data = result.Json is { } json ? JsonValueConversion.ToPowerShell(json, _jsonOutput!.Schema) : null;
        if (!AsObject)
        {
            var wrapped = PSObject.AsPSObject(result);
            wrapped.Properties.Add(new PSNoteProperty(DataProperty, data));
            WriteObject(wrapped);
            return;
        }
        if (result.JsonComplete != true)
        {
            var e = new InvalidDataException($"the JSON document for {source} is incomplete: generation ended with {result.FinishReason} after " +
                $"{result.CompletionTokens} tokens (raise -MaxTokens, or drop -AsObject to see the text)");
            WriteError(new ErrorRecord(e, "IncompleteJsonDocument", ErrorCategory.LimitsExceeded, source));
            return;
        }
        var item = PSObject.AsPSObject(data!);
        if (item.Properties[SourceProperty] == null) item.Properties.Add(new PSNoteProperty(SourceProperty, source));
        WriteObject(item);
    }
}
