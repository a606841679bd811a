namespace DeepSeekV4.Engine.IO;

/// <summary>
/// The check before a file is opened. A symbolic link whose target is gone (a half-deleted Hugging Face cache: the
/// snapshot's link stays, the blob is removed) passes <see cref="File.Exists(string)"/> and fails later with a bare
/// "could not find file"; here it is refused up front, naming the target.
/// </summary>
internal static class FilePresence
{
    /// <summary>Throws a <see cref="FileNotFoundException"/> with <paramref name="missing"/> when <paramref name="path"/> is not a readable file.</summary>
    public static void Require(string path, string missing)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target && !TargetExists(info, out string? resolved))
            throw new FileNotFoundException($"{missing} (a symbolic link to {resolved ?? target}, which does not exist)", path);
        if (!info.Exists) throw new FileNotFoundException(missing, path);
    }

    private static bool TargetExists(FileInfo link, out string? resolved)
    {
        resolved = null;
        try
        {
            var final = link.ResolveLinkTarget(returnFinalTarget: true);
            resolved = final?.FullName;
            return final is not null && File.Exists(final.FullName);
        }
        catch (IOException)
        {
            return false;   // a loop of links
        }
    }
}
