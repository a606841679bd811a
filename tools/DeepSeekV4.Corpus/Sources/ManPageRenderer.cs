using System.Diagnostics;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace DeepSeekV4.Corpus.Sources;

/// <summary>
/// Renders a man page (roff, gzip'd or not) to plain UTF-8 text with groff: tables through tbl, no hyphenation,
/// 100-column lines, no bold/underline overstrikes. Requires groff on the PATH. Pages that only include another
/// page (".so") render to null: the included page is a document of its own.
/// </summary>
public static class ManPageRenderer
{
    private static readonly string[] GroffArguments =
        ["-t", "-k", "-man", "-Tutf8", "-P-c", "-P-b", "-P-u", "-rHY=0", "-rLL=100n"];

    /// <param name="cacheDirectory">Where renders are kept by the SHA-256 of the page's roff (groff is the slow step), or null.</param>
    public static string? Render(string path, string? cacheDirectory = null)
    {
        byte[] roff = ReadSource(path);
        if (IsInclude(roff)) return null;
        if (cacheDirectory == null) return RunGroff(roff, path);
        string cached = Path.Combine(cacheDirectory, Convert.ToHexString(SHA256.HashData(roff)) + ".txt");
        if (File.Exists(cached)) return File.ReadAllText(cached, Encoding.UTF8);
        string text = RunGroff(roff, path);
        Directory.CreateDirectory(cacheDirectory);
        string temp = cached + "." + Environment.CurrentManagedThreadId + ".tmp";
        File.WriteAllText(temp, text, new UTF8Encoding(false));
        File.Move(temp, cached, overwrite: true);
        return text;
    }

    internal static bool IsInclude(ReadOnlySpan<byte> roff)
    {
        var text = roff.TrimStart("\r\n\t "u8);
        return text.StartsWith(".so "u8) && text.IndexOf("\n.SH"u8) < 0 && text.IndexOf("\n.TH"u8) < 0;
    }

    private static byte[] ReadSource(string path)
    {
        using var file = File.OpenRead(path);
        using var buffer = new MemoryStream();
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var gz = new GZipStream(file, CompressionMode.Decompress);
            gz.CopyTo(buffer);
        }
        else
        {
            file.CopyTo(buffer);
        }
        return buffer.ToArray();
    }

    private static string RunGroff(byte[] roff, string path)
    {
        var start = new ProcessStartInfo("groff")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string a in GroffArguments) start.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("groff did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"groff is needed to render man pages ({path}) but could not be started: {e.Message}", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync(); // warnings about unknown macros: not needed
            using (var input = process.StandardInput.BaseStream) input.Write(roff);
            process.WaitForExit();
            _ = stderr.Result;
            if (process.ExitCode != 0 && stdout.Result.Length == 0)
                throw new InvalidOperationException($"groff failed on {path} (exit code {process.ExitCode})");
            return stdout.Result;
        }
    }
}
