using System.Management.Automation;
using DeepSeekV4.Engine.Compute;
using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;
using DeepSeekV4.Engine.Models.DeepSeekV4;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>
/// The memory a model needs at a context length and KV-cache format — weights by tensor type, the KV cache by
/// component, scratch — and whether it fits, without loading the weights. Works on GGUF files and on the built-in
/// V4-Flash and V4-Pro configurations.
/// </summary>
[Cmdlet(VerbsCommon.Get, "DSMemoryEstimate", DefaultParameterSetName = PathSet)]
[OutputType(typeof(MemoryEstimate))]
public sealed class GetDSMemoryEstimateCommand : DSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string BuiltInSet = "BuiltIn";
    private int? _contextLength;
    private long? _available;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = BuiltInSet)]
    [ValidateSet("V4-Flash", "V4-Pro")]
    public string Name { get; set; } = "";

    [Parameter(ParameterSetName = BuiltInSet)]
    [ValidateSet("f32", "f16", "q8_0", "q4_k", "iq2_xxs-experts", "ds4-q2", "ds4-q4", "converter")]
    public string WeightType { get; set; } = "q8_0";

    [Parameter]
    [TokenCountTransformation]
    [ValidateRange(1, int.MaxValue)]
    public int ContextLength { get => _contextLength ?? 0; set => _contextLength = value; }

    private KvCacheFormat? _kvCacheType;

    /// <summary>The cache format; by default the one Import-DSModel takes for -Numerics (Native for Fast, F32 for Reference and Float).</summary>
    [Parameter]
    public KvCacheFormat KvCacheType { get => _kvCacheType ?? ForwardRounding.DefaultKvCacheFormat(Numerics); set => _kvCacheType = value; }

    /// <summary>The numerics the model will be imported with; they choose the default cache format.</summary>
    [Parameter]
    public DeepSeekV4Numerics Numerics { get; set; } = DeepSeekV4Numerics.Fast;

    [Parameter]
    [Alias("DeviceMemory")]
    [ValidateRange(0L, long.MaxValue)]
    public long AvailableMemory { get => _available ?? 0; set => _available = value; }

    [Parameter]
    public ComputeDevice Device { get; set; } = ComputeDevice.Cpu;

    /// <summary>A separate MTP file (llama.cpp's mtp-*.gguf or ds4's), whose weights the estimate adds.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? MtpPath { get; set; }

    [Parameter]
    [ValidateRange(0, 1024)]
    public int DeviceId { get; set; }

    private (string Id, long Bytes) _memory;

    protected override void BeginProcessing()
    {
        if (ParameterSetName == BuiltInSet && MtpPath != null)
            ThrowTerminatingError(ErrorMapping.Record(new ArgumentException("-MtpPath adds a separate MTP file to a GGUF model's estimate; a built-in configuration (-Name) has none"), MtpPath));
        try
        {
            _memory = DeviceMemory.Resolve(Device, DeviceId, _available);
        }
        catch (GpuDeviceUnavailableException e)
        {
            ThrowTerminatingError(ErrorMapping.Record(e, e.Device));
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == BuiltInSet)
        {
            try
            {
                WriteObject(MemoryEstimates.ForBuiltIn(Name, _contextLength, KvCacheType, _memory.Bytes, WeightType) with { Device = _memory.Id });
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                ThrowTerminatingError(ErrorMapping.Record(e, Name));
            }
            return;
        }
        foreach (var file in ResolveFiles(ParameterSetName == PathSet ? Path : LiteralPath, ParameterSetName == LiteralPathSet))
        {
            try
            {
                string? mtp = MtpPath == null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(MtpPath);
                WriteObject(Session.Registry.Estimate(file, _contextLength, KvCacheType, _memory.Bytes, mtp) with { Device = _memory.Id });
            }
            catch (Exception e) when (e is not PipelineStoppedException)
            {
                WriteEngineError(e, file);
            }
        }
    }
}
