namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// A metadata array. <see cref="Items"/> is a typed .NET array: byte[], sbyte[], ushort[], short[], uint[], int[],
/// float[], bool[], string[], ulong[], long[], double[], or GgufArray[] for nested arrays.
/// </summary>
public sealed class GgufArray
{
    public GgufValueType ElementType { get; }
    public Array Items { get; }
    public int Count => Items.Length;

    public GgufArray(GgufValueType elementType, Array items)
    {
        ElementType = elementType;
        Items = items;
    }

    public T[] As<T>() => Items as T[] ?? throw new InvalidCastException($"GGUF array holds {ElementType}, not {typeof(T).Name}");

    public override string ToString() => $"[{ElementType} × {Count}]";
}
