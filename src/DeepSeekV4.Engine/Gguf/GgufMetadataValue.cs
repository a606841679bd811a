using System.Globalization;

namespace DeepSeekV4.Engine.Gguf;

/// <summary>A typed metadata value. Scalars are boxed CLR values; arrays are <see cref="GgufArray"/>.</summary>
public sealed class GgufMetadataValue
{
    public GgufValueType Type { get; }
    public object Value { get; }

    public GgufMetadataValue(GgufValueType type, object value)
    {
        Type = type;
        Value = value;
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
