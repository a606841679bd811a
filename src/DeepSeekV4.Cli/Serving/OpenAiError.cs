using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace DeepSeekV4.Cli.Serving;

/// <summary>
/// A request the server refuses, answered as OpenAI does: the status code and
/// {"error": {"message", "type", "param", "code"}}.
/// </summary>
public sealed class OpenAiError(int status, string message, string type = "invalid_request_error", string? param = null, string? code = null)
    : Exception(message)
{
    public int Status { get; } = status;

    public string Type { get; } = type;

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public static OpenAiError BadRequest(string message, string? param = null) => new(400, message, param: param);

    public async Task WriteAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = Status;
        response.ContentType = "application/json";
        await response.WriteAsync(ToJson(), cancellationToken);
    }

    public string ToJson() => JsonSerializer.Serialize(new { error = new { message = Message, type = Type, param = Param, code = Code } });
}
