namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>What a compiled schema node generates.</summary>
internal enum SchemaKind
{
    /// <summary>An object with declared properties, written in the schema's order (optional ones may be left out).</summary>
    Object,

    /// <summary>Any JSON object (string keys, any values).</summary>
    FreeObject,

    Array,
    String,
    Number,
    Integer,

    /// <summary>One of a fixed set of JSON texts: enum, const, true/false, null.</summary>
    Literals,

    /// <summary>One of several kinds, told apart by the first byte (a "type" array, or any JSON value).</summary>
    Union,
}
