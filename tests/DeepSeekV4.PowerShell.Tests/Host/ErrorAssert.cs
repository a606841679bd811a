using System.Management.Automation;

namespace DeepSeekV4.PowerShell.Tests.Host;

/// <summary>Checks of error records as a script would see them: category, the error id before the command name, and the message.</summary>
public static class ErrorAssert
{
    /// <summary>The record has <paramref name="category"/> and the error id <paramref name="errorId"/> (FullyQualifiedErrorId is "id,command").</summary>
    public static void Is(ErrorRecord record, ErrorCategory category, string errorId)
    {
        Assert.True(record.CategoryInfo.Category == category && IdOf(record) == errorId,
            $"expected {errorId} ({category}), got {record.FullyQualifiedErrorId} ({record.CategoryInfo.Category}): {record}");
    }

    public static string IdOf(ErrorRecord record)
    {
        string id = record.FullyQualifiedErrorId;
        int comma = id.IndexOf(',', StringComparison.Ordinal);
        return comma < 0 ? id : id[..comma];
    }

    /// <summary>The text the user reads: the record's message (ErrorDetails when set, else the exception's).</summary>
    public static string MessageOf(ErrorRecord record) => record.ErrorDetails?.Message ?? record.Exception.Message;
}
