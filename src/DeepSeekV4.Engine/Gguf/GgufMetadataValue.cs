using System.Globalization;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>A typed metadata value. Scalars are boxed CLR values; arrays are <see cref="GgufArray"/>.</summary>
public sealed class GgufMetadataValue
{
    public GgufValueType Type { get; }
    public object Value { get; }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="value"/> is not the CLR type <paramref name="type"/> is held as.</summary>
    public GgufMetadataValue(GgufValueType type, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var expected = GgufValueTypes.ClrType(type);
        if (value.GetType() != expected)
            throw new ArgumentException($"a GGUF {type} value must be a {expected.Name}, not a {value.GetType().Name}", nameof(value));
        Type = type;
        Value = value;
    }

    /// <summary>The GGUF value for a CLR value: byte → UINT8 … double → FLOAT64, string, bool, <see cref="GgufArray"/>, or a typed .NET array (string[], float[], int[], …).</summary>
    public static GgufMetadataValue From(object value) => value switch
    {
        GgufMetadataValue v => v,
        byte v => new(GgufValueType.UInt8, v),
        sbyte v => new(GgufValueType.Int8, v),
        ushort v => new(GgufValueType.UInt16, v),
        short v => new(GgufValueType.Int16, v),
        uint v => new(GgufValueType.UInt32, v),
        int v => new(GgufValueType.Int32, v),
        float v => new(GgufValueType.Float32, v),
        bool v => new(GgufValueType.Bool, v),
        string v => new(GgufValueType.String, v),
        ulong v => new(GgufValueType.UInt64, v),
        long v => new(GgufValueType.Int64, v),
        double v => new(GgufValueType.Float64, v),
        GgufArray v => new(GgufValueType.Array, v),
        Array v => new(GgufValueType.Array, new GgufArray(ElementTypeOf(v), v)),
        null => throw new ArgumentNullException(nameof(value)),
        _ => throw new ArgumentException($"no GGUF value type holds a {value.GetType().Name}", nameof(value)),
    };

    private static GgufValueType ElementTypeOf(Array items)
    {
        var element = items.GetType().GetElementType();
        for (uint id = 0; GgufValueTypes.IsDefined(id); id++)
            if (GgufValueTypes.ClrType((GgufValueType)id) == element) return (GgufValueType)id;
        throw new ArgumentException($"no GGUF array element type holds a {element?.Name}", nameof(items));
    }

    public GgufArray? Array => Value as GgufArray;

    public string AsString() => Value as string ?? throw Mismatch("a string");

    public bool AsBool() => Value is bool b ? b : throw Mismatch("a bool");

    /// <summary>Any integer type, checked to fit.</summary>
    public long AsInt64() => Value switch
    {
        byte v => v, sbyte v => v, ushort v => v, short v => v, uint v => v, int v => v, long v => v,
        ulong v when v <= long.MaxValue => (long)v,
        _ => throw Mismatch("an integer"),
    };

    /// <summary>Any numeric type as a double.</summary>
    public double AsDouble() => Value switch
    {
        float v => v, double v => v,
        byte or sbyte or ushort or short or uint or int or long or ulong => Convert.ToDouble(Value, CultureInfo.InvariantCulture),
        _ => throw Mismatch("a number"),
    };

    private InvalidCastException Mismatch(string wanted) => new($"GGUF value of type {Type} is not {wanted}");

    public override string ToString() => Value switch
    {
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(Value, CultureInfo.InvariantCulture) ?? "",
    };
}
