using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>
/// A private folder under the system temp folder, deleted on dispose: private copies of the fixture model (so that
/// reference counts in the process-wide registry are this test's own), text documents, and GGUF files made from the
/// fixture with the engine's writer.
/// </summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dsv4-host-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A byte-for-byte copy of the tiny fixture model named <paramref name="name"/>.</summary>
    public string CopyTinyModel(string name)
    {
        string path = File(name);
        System.IO.File.Copy(PowerShellHost.TinyModelPath, path);
        return path;
    }

    public string WriteText(string name, string text)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The tiny fixture rewritten with <paramref name="key"/> set to <paramref name="value"/> (tensors unchanged).</summary>
    public string WriteTinyModelWith(string name, string key, object value)
    {
        string path = File(name);
        using var source = GgufFile.Open(PowerShellHost.TinyModelPath);
        var writer = GgufWriter.FromFile(source);
        writer.SetMetadata(key, value);
        writer.WriteTo(path);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A model still mapped elsewhere (Windows) keeps its file; the temp folder is cleaned by the system.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
