using System.Text.Json;

namespace DeepSeekV4.Engine.Remote;

/// <summary>
/// One entry of an endpoint's GET /v1/models: its id, owner, and context length where the server gives one (vLLM and
/// SGLang: max_model_len; others: context_length or context_window; llama.cpp's server: meta.n_ctx_train).
/// </summary>
public sealed record ServedModel(string Id, string? OwnedBy, int? ContextLength)
{
    /// <summary>The models in a /v1/models answer; a body that is not such a list is an <see cref="InvalidDataException"/>.</summary>
    public static IReadOnlyList<ServedModel> ParseList(ReadOnlyMemory<byte> json, Uri endpoint)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{endpoint}/models did not answer with a model list ({{\"data\": [...]}})");
            var models = new List<ServedModel>();
            foreach (var entry in data.EnumerateArray())
            {
                if (entry.ValueKind != JsonValueKind.Object || String(entry, "id") is not { } id) continue;
                int? context = Int(entry, "max_model_len") ?? Int(entry, "context_length") ?? Int(entry, "context_window")
                    ?? (entry.TryGetProperty("meta", out var meta) && meta.ValueKind == JsonValueKind.Object ? Int(meta, "n_ctx_train") : null);
                models.Add(new ServedModel(id, String(entry, "owned_by"), context));
            }
            return models;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{endpoint}/models answered with malformed JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// The model to use: the one asked for (which must be served), or the only one served; otherwise an error that
    /// lists what the endpoint serves.
    /// </summary>
    public static ServedModel Pick(IReadOnlyList<ServedModel> models, string? asked, Uri endpoint)
    {
        string served = models.Count == 0 ? "none" : string.Join(", ", models.Select(m => m.Id));
        if (asked != null)
        {
            return models.FirstOrDefault(m => m.Id == asked)
                   ?? throw new Inference.ModelNotLoadedException($"{endpoint} does not serve a model '{asked}' (it serves: {served})", asked);
        }
        return models.Count switch
        {
            1 => models[0],
            0 => throw new Inference.ModelNotLoadedException($"{endpoint} serves no model", null),
            _ => throw new ArgumentException($"{endpoint} serves {models.Count} models ({served}); pick one with -Model"),
        };
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) && i > 0 ? i : null;
}
