using System.Management.Automation;
using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>Loads a DeepSeek V4 GGUF model into this session (sharing the weights with other runspaces that loaded it).</summary>
[Cmdlet(VerbsData.Import, "DSModel", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ModelInfo))]
public sealed class ImportDSModelCommand : DSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private int? _contextLength;
    private readonly List<SessionModel> _imported = [];

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [TokenCountTransformation]
    [ValidateRange(1, int.MaxValue)]
    public int ContextLength { get => _contextLength ?? 0; set => _contextLength = value; }

    [Parameter]
    public KvCacheFormat KvCacheType { get; set; } = KvCacheFormat.Native;

    [Parameter]
    [ValidateRange(0, 4096)]
    public int Threads { get; set; }

    [Parameter]
    public SwitchParameter NoMmap { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MtpPath { get; set; }

    [Parameter]
    public SwitchParameter NoWarmUp { get; set; }

    [Parameter]
    public DeepSeekV4Numerics Numerics { get; set; } = DeepSeekV4Numerics.Fast;

    /// <summary>Where the weights and KV cache live; Auto takes a CUDA device when there is one, else the CPU (and says so with -Verbose).</summary>
    [Parameter]
    public ComputeDevice Device { get; set; } = ComputeDevice.Auto;

    [Parameter]
    [ValidateRange(0, 63)]
    public int DeviceId { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// -PassThru objects are written once every file is in, so that IsCurrent is right for all of them (the last
    /// import is the current model).
    /// </summary>
    protected override void EndProcessing()
    {
        foreach (var model in _imported) WriteObject(Session.GetInfo(model));
    }

    protected override void ProcessRecord()
    {
        var files = ResolveFiles(ParameterSetName == PathSet ? Path : LiteralPath, ParameterSetName == LiteralPathSet);
        if (Name != null && files.Count > 1)
        {
            ThrowTerminatingError(ErrorMapping.Record(new ArgumentException($"-Name names one model but {files.Count} files were given"), Name));
        }
        var session = Session;
        string? mtp = MtpPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(MtpPath);
        foreach (var file in files)
        {
            try
            {
                var progress = new ProgressRecord(1, "Import-DSModel", $"Loading {file}");
                var model = RunEngine((post, ct) => session.Import(file, Name, _contextLength, MyInvocation.BoundParameters.ContainsKey(nameof(KvCacheType)) ? KvCacheType : null,
                    new ModelLoadOptions { Threads = Threads, LoadMode = NoMmap ? GgufLoadMode.InMemory : GgufLoadMode.Mapped, MtpPath = mtp, WarmUp = !NoWarmUp, Numerics = Numerics, Device = Device, DeviceId = DeviceId }, Force, post, ct), e =>
                {
                    if (e is not LoadProgressEvent p) return;
                    if (!progress.StatusDescription.StartsWith(p.Stage + ":", StringComparison.Ordinal)) WriteVerbose($"{p.Stage}: {file}");
                    progress.StatusDescription = $"{p.Stage}: {file}";
                    progress.PercentComplete = p.Total > 0 ? (int)Math.Clamp(100 * p.Done / p.Total, 0, 100) : -1;
                    WriteThrottledProgress(progress);
                });
                progress.RecordType = ProgressRecordType.Completed;
                WriteThrottledProgress(progress);
                // The device is named here too: a model shared from another session is not loaded again, so no device line came.
                WriteVerbose($"loaded {file} as '{model.Name}' ({model.ContextLength:N0} tokens, KV cache {model.KvCacheType}, on {session.GetInfo(model).Device})");
                if (PassThru && !_imported.Contains(model)) _imported.Add(model);
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                WriteEngineError(e, file);
            }
        }
    }
}
