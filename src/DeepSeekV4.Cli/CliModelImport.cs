using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.KvCache;

namespace DeepSeekV4.Cli;

/// <summary>Loads a model into a command's session; a model that does not fit is an error that names --force.</summary>
public static class CliModelImport
{
    public static SessionModel Import(InferenceSession session, string path, string? name = null, int? contextLength = null,
        KvCacheFormat? format = null, ModelLoadOptions? options = null, bool force = false)
    {
        try
        {
            return session.Import(path, name, contextLength: contextLength, format: format, options: options, force: force);
        }
        catch (ModelDoesNotFitException e)
        {
            throw new InvalidOperationException(e.Message + " (--force)", e);
        }
    }
}
