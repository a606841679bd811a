using System.Text.Json;
using DeepSeekV4.Engine.Inference;
using DeepSeekV4.Engine.Sampling;
using DeepSeekV4.Engine.Sampling.Constraints;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Cli.Serving;

/// <summary>
/// A /v1/chat/completions or /v1/completions body read into the engine's <see cref="CompletionRequest"/>. Fields that
/// vLLM, SGLang and llama.cpp's server accept are mapped; thinking is DeepSeek V4's chat-template switch
/// (<c>chat_template_kwargs: {thinking: true}</c>, also <c>enable_thinking</c>, or a top-level <c>thinking</c>).
/// Structured output: <c>response_format</c> ({type: json_object} or {type: json_schema, json_schema: {schema}}) or
/// vLLM's <c>guided_json</c> (a schema object or its text). Unknown fields are ignored; a known field of the wrong
/// type or range, or a schema keyword the engine does not support, is a 400 that names it.
/// </summary>
public sealed record OpenAiRequest(CompletionRequest Completion, bool Stream, bool IncludeUsage, string? Model)
{
    public static OpenAiRequest Parse(JsonElement body, bool chat, int contextLength)
    {
        if (body.ValueKind != JsonValueKind.Object) throw OpenAiError.BadRequest("the request body must be a JSON object");
        string? system = null;
        IReadOnlyList<ChatTurn> history = [];
        string prompt;
        if (chat) (system, history, prompt) = ReadMessages(body);
        else prompt = ReadPrompt(body);

        if (Get(body, "n") is { } n && (n.ValueKind != JsonValueKind.Number || !n.TryGetInt32(out int count) || count != 1))
            throw OpenAiError.BadRequest("only n = 1 is supported", "n");
        int maxTokens = Int(body, "max_completion_tokens") ?? Int(body, "max_tokens") ?? contextLength;
        if (maxTokens < 0) throw OpenAiError.BadRequest($"max_tokens = {maxTokens} must be >= 0", "max_tokens");
        int topK = Int(body, "top_k") ?? 0;
        var sampling = new SamplerSettings
        {
            Temperature = Number(body, "temperature") ?? 1.0,
            TopP = Number(body, "top_p") ?? 1.0,
            TopK = topK < 0 ? 0 : topK, // vLLM: -1 turns top-k off
            MinP = Number(body, "min_p") ?? 0,
            RepetitionPenalty = Number(body, "repetition_penalty") ?? 1.0,
            FrequencyPenalty = Number(body, "frequency_penalty") ?? 0,
            PresencePenalty = Number(body, "presence_penalty") ?? 0,
            Seed = Seed(body),
        };
        var request = new CompletionRequest
        {
            Prompt = prompt,
            SystemPrompt = system,
            History = history,
            Think = Thinking(body),
            MaxTokens = maxTokens,
            Stop = Stop(body),
            JsonOutput = JsonOutput(body),
            Sampling = sampling,
            Source = chat ? "chat.completions" : "completions",
        };
        try
        {
            request.Validate();
        }
        catch (ArgumentException e)
        {
            throw OpenAiError.BadRequest(e.Message, ParamName(e.ParamName));
        }
        bool stream = Bool(body, "stream") ?? false;
        bool includeUsage = Get(body, "stream_options") is { ValueKind: JsonValueKind.Object } so && (Bool(so, "include_usage") ?? false);
        string? model = Get(body, "model") is { } m ? m.ValueKind == JsonValueKind.String ? m.GetString() : throw WrongType("model", "a string") : null;
        return new OpenAiRequest(request, stream, includeUsage, model);
    }

    private static (string? System, IReadOnlyList<ChatTurn> History, string Prompt) ReadMessages(JsonElement body)
    {
        if (Get(body, "messages") is not { ValueKind: JsonValueKind.Array } messages)
            throw OpenAiError.BadRequest("'messages' is required and must be an array", "messages");
        var system = new List<string>();
        var turns = new List<ChatTurn>();
        int i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            string param = $"messages[{i++}]";
            if (message.ValueKind != JsonValueKind.Object) throw OpenAiError.BadRequest($"{param} must be an object", param);
            string role = Get(message, "role") is { ValueKind: JsonValueKind.String } r ? r.GetString()! : throw WrongType(param + ".role", "a string");
            switch (role)
            {
                case "system" or "developer":
                    if (turns.Count > 0) throw OpenAiError.BadRequest($"{param}: system messages must come before the conversation", param);
                    system.Add(Content(message, param));
                    break;
                case "user":
                    turns.Add(ChatTurn.User(Content(message, param)));
                    break;
                case "assistant":
                    string? reasoning = Get(message, "reasoning_content") is { ValueKind: JsonValueKind.String } rc ? rc.GetString() : null;
                    turns.Add(ChatTurn.Assistant(Get(message, "content") == null ? "" : Content(message, param), reasoning));
                    break;
                default:
                    throw OpenAiError.BadRequest($"{param}.role '{role}' is not one of system, developer, user, assistant", param + ".role");
            }
        }
        if (turns.Count == 0 || turns[^1].Role != ChatRole.User)
            throw OpenAiError.BadRequest("'messages' must end with a user message", "messages");
        return (system.Count == 0 ? null : string.Join("\n\n", system), turns[..^1], turns[^1].Content);
    }

    /// <summary>A message's content: a string, or an array of parts of which the text ones are joined.</summary>
    private static string Content(JsonElement message, string param)
    {
        var content = Get(message, "content");
        if (content is { ValueKind: JsonValueKind.String } s) return s.GetString()!;
        if (content is { ValueKind: JsonValueKind.Array } parts)
        {
            var texts = new List<string>();
            foreach (var part in parts.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && Get(part, "type") is { ValueKind: JsonValueKind.String } t && t.GetString() == "text"
                    && Get(part, "text") is { ValueKind: JsonValueKind.String } text)
                    texts.Add(text.GetString()!);
                else throw OpenAiError.BadRequest($"{param}.content: only text parts are supported", param + ".content");
            }
            return string.Concat(texts);
        }
        throw WrongType(param + ".content", "a string or an array of text parts");
    }

    private static string ReadPrompt(JsonElement body)
    {
        var prompt = Get(body, "prompt");
        if (prompt is { ValueKind: JsonValueKind.String } s) return s.GetString()!;
        if (prompt is { ValueKind: JsonValueKind.Array } a && a.GetArrayLength() == 1 && a[0].ValueKind == JsonValueKind.String) return a[0].GetString()!;
        throw OpenAiError.BadRequest("'prompt' is required and must be a string (or an array of one string)", "prompt");
    }

    private static bool Thinking(JsonElement body)
    {
        if (Get(body, "chat_template_kwargs") is { ValueKind: JsonValueKind.Object } kwargs)
        {
            if (Bool(kwargs, "thinking") is { } t) return t;
            if (Bool(kwargs, "enable_thinking") is { } e) return e;
        }
        return Get(body, "thinking") switch
        {
            null => false,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            { ValueKind: JsonValueKind.Object } o when Get(o, "type") is { ValueKind: JsonValueKind.String } type => type.GetString() == "enabled",
            _ => throw WrongType("thinking", "a boolean or {\"type\": \"enabled\"|\"disabled\"}"),
        };
    }

    private static IReadOnlyList<string> Stop(JsonElement body) => Get(body, "stop") switch
    {
        null => [],
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            [.. a.EnumerateArray().Select(e => e.GetString()!)],
        _ => throw WrongType("stop", "a string or an array of strings"),
    };

    private static ulong? Seed(JsonElement body) => Get(body, "seed") switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } n when n.TryGetUInt64(out ulong v) => v,
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out long v) => unchecked((ulong)v),
        _ => throw WrongType("seed", "an integer"),
    };

    private static JsonOutputFormat? JsonOutput(JsonElement body)
    {
        try
        {
            if (Get(body, "guided_json") is { } guided)
            {
                return guided.ValueKind switch
                {
                    JsonValueKind.Object => JsonOutputFormat.FromSchema(guided),
                    JsonValueKind.String => JsonOutputFormat.FromSchema(guided.GetString()!),
                    _ => throw WrongType("guided_json", "a JSON schema (an object or its text)"),
                };
            }
            if (Get(body, "response_format") is not { } format) return null;
            if (format.ValueKind != JsonValueKind.Object) throw WrongType("response_format", "an object");
            string? type = Get(format, "type") is { ValueKind: JsonValueKind.String } t ? t.GetString() : null;
            switch (type)
            {
                case "text": return null;
                case "json_object": return JsonOutputFormat.AnyObject;
                case "json_schema":
                    if (Get(format, "json_schema") is not { ValueKind: JsonValueKind.Object } js || Get(js, "schema") is not { } schema)
                        throw OpenAiError.BadRequest("response_format json_schema needs json_schema.schema", "response_format");
                    return JsonOutputFormat.FromSchema(schema);
                default:
                    throw OpenAiError.BadRequest($"response_format.type '{type}' is not one of text, json_object, json_schema", "response_format");
            }
        }
        catch (ArgumentException e)
        {
            throw OpenAiError.BadRequest(e.Message, Get(body, "guided_json") != null ? "guided_json" : "response_format");
        }
    }

    private static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static double? Number(JsonElement obj, string name) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } n => n.GetDouble(),
        _ => throw WrongType(name, "a number"),
    };

    private static int? Int(JsonElement obj, string name) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out int v) => v,
        _ => throw WrongType(name, "an integer"),
    };

    private static bool? Bool(JsonElement obj, string name) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => throw WrongType(name, "a boolean"),
    };

    private static OpenAiError WrongType(string param, string expected) => OpenAiError.BadRequest($"'{param}' must be {expected}", param);

    /// <summary>The request field an engine setting came from (TopP → top_p).</summary>
    private static string? ParamName(string? engineName) => engineName switch
    {
        "Temperature" => "temperature",
        "TopP" => "top_p",
        "TopK" => "top_k",
        "MinP" => "min_p",
        "RepetitionPenalty" => "repetition_penalty",
        "FrequencyPenalty" => "frequency_penalty",
        "PresencePenalty" => "presence_penalty",
        "MaxTokens" => "max_tokens",
        "Stop" => "stop",
        _ => engineName,
    };
}
