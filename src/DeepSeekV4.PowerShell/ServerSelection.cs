using System.Management.Automation;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Remote;

namespace DeepSeekV4.PowerShell;

/// <summary>The session's servers with the ids given (all when none are); an id that no server has is a non-terminating error.</summary>
internal static class ServerSelection
{
    public static List<LocalServer> Select(Cmdlet cmdlet, InferenceSession session, int[]? ids)
    {
        var servers = session.Servers;
        if (ids == null) return [.. servers];
        var selected = new List<LocalServer>();
        foreach (int id in ids)
        {
            var server = servers.FirstOrDefault(s => s.Id == id);
            if (server == null)
            {
                cmdlet.WriteError(new ErrorRecord(new ItemNotFoundException(
                    $"no server with id {id} was started in this session (started: {(servers.Count == 0 ? "none" : string.Join(", ", servers.Select(s => s.Id)))})"),
                    "ServerNotFound", ErrorCategory.ObjectNotFound, id));
                continue;
            }
            if (!selected.Contains(server)) selected.Add(server);
        }
        return selected;
    }
}
