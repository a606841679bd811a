using System.Management.Automation;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell;

/// <summary>Engine exceptions as PowerShell error records: one category per kind of failure the user can act on.</summary>
public static class ErrorMapping
{
    public static ErrorCategory CategoryOf(Exception e) => e switch
    {
        ModelNotLoadedException m => m.ModelName == null ? ErrorCategory.InvalidOperation : ErrorCategory.ObjectNotFound,
        ModelNameInUseException => ErrorCategory.ResourceExists,
        ModelDoesNotFitException => ErrorCategory.ResourceUnavailable,
        ContextOverflowException or DocumentTooLargeException => ErrorCategory.LimitsExceeded,
        FileNotFoundException or DirectoryNotFoundException or ItemNotFoundException => ErrorCategory.ObjectNotFound,
        GgufFormatException or InvalidDataException or FormatException => ErrorCategory.InvalidData,
        OperationCanceledException => ErrorCategory.OperationStopped,
        ArgumentException => ErrorCategory.InvalidArgument,
        NotSupportedException => ErrorCategory.NotImplemented,
        UnauthorizedAccessException => ErrorCategory.PermissionDenied,
        IOException => ErrorCategory.ReadError,
        InvalidOperationException => ErrorCategory.InvalidOperation,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>The error id: the exception's kind, e.g. "ModelDoesNotFit".</summary>
    public static string ErrorIdOf(Exception e)
    {
        string name = e.GetType().Name;
        return name.EndsWith("Exception", StringComparison.Ordinal) ? name[..^"Exception".Length] : name;
    }

    public static ErrorRecord Record(Exception e, object? target) => new(e, ErrorIdOf(e), CategoryOf(e), target);
}
