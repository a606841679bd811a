namespace DeepSeekV4.Engine.Gguf;

/// <summary>
/// A metadata array. <see cref="Items"/> is a typed .NET array: byte[], sbyte[], ushort[], short[], uint[], int[],
/// float[], bool[], string[], ulong[], long[], double[], or GgufArray[] for nested arrays.
/// </summary>
public sealed class GgufArray
{
    private readonly Func<Array>? _load;
    private Array? _items;

    public GgufValueType ElementType { get; }
    public int Count { get; }

    /// <summary>The elements (for an array read from a file, decoded on first access).</summary>
    public Array Items => _items ?? LazyInitializer.EnsureInitialized(ref _items, _load!);

    internal bool IsDecoded => Volatile.Read(ref _items) != null;

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="items"/> is not the array type <paramref name="elementType"/> is held as.</summary>
    public GgufArray(GgufValueType elementType, Array items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var expected = GgufValueTypes.ClrType(elementType).MakeArrayType();
        if (items.GetType() != expected)
            throw new ArgumentException($"a GGUF array of {elementType} must hold {expected.Name}, not {items.GetType().Name}", nameof(items));
        if (elementType == GgufValueType.String && Array.IndexOf((string?[])items, null) is >= 0 and var i)
            throw new ArgumentException($"GGUF string array element {i} is null", nameof(items));
        if (elementType == GgufValueType.Array && Array.IndexOf((GgufArray?[])items, null) is >= 0 and var j)
            throw new ArgumentException($"GGUF nested array element {j} is null", nameof(items));
        ElementType = elementType;
        Count = items.Length;
        _items = items;
    }

    /// <summary>An array of <paramref name="count"/> already validated elements that <paramref name="load"/> decodes when first asked for.</summary>
    internal GgufArray(GgufValueType elementType, int count, Func<Array> load)
    {
        ElementType = elementType;
        Count = count;
        _load = load;
    }

    public T[] As<T>() => Items as T[] ?? throw new InvalidCastException($"GGUF array holds {ElementType}, not {typeof(T).Name}");

    public override string ToString() => $"[{ElementType} × {Count}]";
}
