namespace DeepSeekV4.Engine.Sampling.Constraints;

/// <summary>A declared property of an object node; <see cref="Key"/> is its compact JSON key with the colon: <c>"name":</c>.</summary>
internal sealed record SchemaProperty(string Name, byte[] Key, SchemaNode Value, bool Required);
