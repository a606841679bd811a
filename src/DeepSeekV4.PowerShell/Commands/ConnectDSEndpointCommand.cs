using System.Management.Automation;
using System.Net;
using System.Security;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Remote;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>
/// Registers a model served by an OpenAI-compatible endpoint (vLLM, SGLang, llama.cpp's server, dsv4 serve) in this
/// session beside the local ones, and makes it current: Invoke-DSCompletion, Get-DSModel, Get-DSKvCacheStats and
/// Remove-DSModel then work on it by name.
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "DSEndpoint")]
[OutputType(typeof(RemoteModelInfo))]
public sealed class ConnectDSEndpointCommand : DSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Endpoint", "BaseUri")]
    [ValidateNotNull]
    public Uri Uri { get; set; } = null!;

    /// <summary>The served model id (as /v1/models lists it); without it, the endpoint's only model.</summary>
    [Parameter]
    [Alias("ServedModel")]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    /// <summary>The model's name in the session; default: the served id.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    public SecureString? ApiKey { get; set; }

    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; } = (int)RemoteEndpointOptions.DefaultTimeout.TotalSeconds;

    [Parameter]
    [ValidateRange(1, 1024)]
    public int MaxConcurrency { get; set; } = RemoteEndpointOptions.DefaultMaxConcurrency;

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var options = new RemoteEndpointOptions
        {
            Uri = Uri,
            ServedModel = Model,
            Name = Name,
            ApiKey = ApiKey == null ? null : new NetworkCredential("", ApiKey).Password,
            Timeout = TimeSpan.FromSeconds(TimeoutSec),
            MaxConcurrency = MaxConcurrency,
        };
        var session = Session;
        try
        {
            var model = RunEngine((_, ct) => RemoteModel.Connect(options, ct), _ => { });
            session.Connect(model);
            WriteVerbose($"connected '{model.Name}' to {model.Origin}");
            if (PassThru) WriteObject(session.Describe(model));
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteEngineError(e, Uri);
        }
    }
}
