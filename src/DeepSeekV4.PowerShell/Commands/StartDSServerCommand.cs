using System.Management.Automation;
using System.Net;
using System.Security;
using DeepSeekV4.Engine.Remote;

namespace DeepSeekV4.PowerShell.Commands;

/// <summary>
/// Serves a GGUF model over the OpenAI API (`dsv4 serve`, shipped beside the module) as a child process of this
/// session; with -Connect the served model is also connected like Connect-DSEndpoint. The server stops with
/// Stop-DSServer, or when the session ends.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "DSServer")]
[OutputType(typeof(LocalServerInfo))]
public sealed class StartDSServerCommand : DSCmdlet
{
    private int? _contextLength;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; } = 8080;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string ListenAddress { get; set; } = "127.0.0.1";

    [Parameter]
    public SecureString? ApiKey { get; set; }

    [Parameter]
    [ValidateRange(1, 256)]
    public int Parallel { get; set; } = 1;

    [Parameter]
    [ValidateRange(0, 100000)]
    public int Queue { get; set; } = 16;

    [Parameter]
    [TokenCountTransformation]
    [ValidateRange(1, int.MaxValue)]
    public int ContextLength { get => _contextLength ?? 0; set => _contextLength = value; }

    /// <summary>The served model id (and, with -Connect, the name in the session).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [ValidateRange(0, 4096)]
    public int Threads { get; set; }

    [Parameter]
    public SwitchParameter Connect { get; set; }

    /// <summary>
    /// dsv4.dll in the module's bin folder (the build puts it there): beside this assembly, or under the manifest's
    /// folder when the assembly was loaded from elsewhere (a host that references it).
    /// </summary>
    private string Dsv4Path()
    {
        string besideAssembly = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(StartDSServerCommand).Assembly.Location)!, "dsv4.dll");
        if (File.Exists(besideAssembly) || MyInvocation.MyCommand.Module is not { } module) return besideAssembly;
        string inModule = System.IO.Path.Combine(module.ModuleBase, "module", "bin", "dsv4.dll");
        return File.Exists(inModule) ? inModule : besideAssembly;
    }

    protected override void ProcessRecord()
    {
        string file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        string? key = ApiKey == null ? null : new NetworkCredential("", ApiKey).Password;
        var options = new LocalServerOptions
        {
            ModelPath = file, Host = ListenAddress, Port = Port, ApiKey = key, Parallel = Parallel, Queue = Queue,
            ContextLength = _contextLength, ServedName = Name, Threads = Threads,
        };
        var session = Session;
        string dsv4 = Dsv4Path();
        try
        {
            var server = RunEngine((_, ct) => LocalServer.Start(dsv4, options, ct), _ => { });
            session.AddServer(server);
            WriteVerbose($"dsv4 serve (process {server.ProcessId}) serves {file} on {server.Api}");
            if (Connect)
            {
                var model = RunEngine((_, ct) => RemoteModel.Connect(new RemoteEndpointOptions
                {
                    Uri = server.Api, ApiKey = key, Name = Name, MaxConcurrency = Math.Min(2 * Parallel, Parallel + Queue),
                }, ct), _ => { });
                session.Connect(model);
            }
            WriteObject(server.Describe());
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteEngineError(e, file);
        }
    }
}
