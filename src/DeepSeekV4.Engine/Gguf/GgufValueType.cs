namespace DeepSeekV4.Engine.Gguf;

/// <summary>The 13 GGUF metadata value types.</summary>
public enum GgufValueType : uint
{
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7,
    String = 8, Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12,
}

/// <summary>What each GGUF value type is in .NET and on disk.</summary>
public static class GgufValueTypes
{
    public static bool IsDefined(uint id) => id <= (uint)GgufValueType.Float64;

    /// <summary>The CLR type a value of this GGUF type is held as (arrays: <see cref="GgufArray"/>).</summary>
    public static Type ClrType(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => typeof(byte),
        GgufValueType.Int8 => typeof(sbyte),
        GgufValueType.UInt16 => typeof(ushort),
        GgufValueType.Int16 => typeof(short),
        GgufValueType.UInt32 => typeof(uint),
        GgufValueType.Int32 => typeof(int),
        GgufValueType.Float32 => typeof(float),
        GgufValueType.Bool => typeof(bool),
        GgufValueType.String => typeof(string),
        GgufValueType.Array => typeof(GgufArray),
        GgufValueType.UInt64 => typeof(ulong),
        GgufValueType.Int64 => typeof(long),
        GgufValueType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a GGUF value type"),
    };

    /// <summary>
    /// The fewest bytes one value of this type takes in a file: its fixed size for scalars, the u64 length for a
    /// string, the element type and count (u32 + u64) for an array.
    /// </summary>
    public static int MinEncodedSize(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.String or GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        GgufValueType.Array => 12,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a GGUF value type"),
    };

    /// <summary>The name GGUF tools print for the type (UINT8 … FLOAT64).</summary>
    public static string SpecName(GgufValueType type) => type.ToString().ToUpperInvariant();
}
