using System.Management.Automation;
using DeepSeekV4.Engine.Compute.Gpu;
using DeepSeekV4.Engine.Gguf;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Models.DeepSeekV4;
using DeepSeekV4.Engine.Remote;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.PowerShell;

/// <summary>Engine exceptions as PowerShell error records: one category per kind of failure the user can act on.</summary>
public static class ErrorMapping
{
    public static ErrorCategory CategoryOf(Exception e) => e switch
    {
        RemoteAuthenticationException => ErrorCategory.AuthenticationError,
        RemoteConnectionException => ErrorCategory.ConnectionError,
        RemoteTimeoutException => ErrorCategory.OperationTimeout,
        RemoteRequestException r => r.IsBusy ? ErrorCategory.ResourceBusy : r.StatusCode switch
        {
            404 => ErrorCategory.ObjectNotFound,
            400 or 413 or 422 => ErrorCategory.InvalidArgument,
            _ => ErrorCategory.ProtocolError,
        },
        ModelNotLoadedException m => m.ModelName == null ? ErrorCategory.InvalidOperation : ErrorCategory.ObjectNotFound,
        ModelNameInUseException => ErrorCategory.ResourceExists,
        ModelDoesNotFitException or GpuDeviceUnavailableException => ErrorCategory.ResourceUnavailable,
        ContextOverflowException or DocumentTooLargeException => ErrorCategory.LimitsExceeded,
        FileNotFoundException or DirectoryNotFoundException or ItemNotFoundException => ErrorCategory.ObjectNotFound,
        UnsupportedModelException => ErrorCategory.InvalidType,
        GgufFormatException or GgufSetException or TokenizerFormatException or InvalidDataException or FormatException => ErrorCategory.InvalidData,
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

    /// <summary>
    /// The error record, its message in the user's terms: the .NET suffixes of argument exceptions ("(Parameter
    /// 'contextLength')", "Actual value was 4096.") are dropped, since the engine's own text already names the value;
    /// the exception keeps its type, with the original as its inner exception.
    /// </summary>
    public static ErrorRecord Record(Exception e, object? target) => new(InUserTerms(e), ErrorIdOf(e), CategoryOf(e), target);

    private static Exception InUserTerms(Exception e)
    {
        string message = e.Message;
        if (e is ArgumentOutOfRangeException { ActualValue: { } actual })
            message = WithoutSuffix(message, Environment.NewLine + $"Actual value was {actual}.");
        if (e is ArgumentException { ParamName: { } name })
            message = WithoutSuffix(message, $" (Parameter '{name}')");
        if (message == e.Message) return e;
        return e is ArgumentOutOfRangeException ? new ArgumentOutOfRangeException(message, e) : new ArgumentException(message, e);
    }

    private static string WithoutSuffix(string text, string suffix) =>
        text.EndsWith(suffix, StringComparison.Ordinal) ? text[..^suffix.Length] : text;
}
