namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>
/// A JSON Schema that constrained generation cannot follow: a keyword it does not support, or a schema no document
/// satisfies. <see cref="Keyword"/> names the keyword, <see cref="Location"/> where it is (a JSON pointer).
/// </summary>
public sealed class UnsupportedSchemaException(string keyword, string location, string message)
    : ArgumentException($"JSON schema {location}: {message}")
{
    public string Keyword { get; } = keyword;

    public string Location { get; } = location;
}
