using DeepSeekV4.Engine.Gguf;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>Deep comparison of GGUF metadata values: same type tags all the way down, floats compared by their bits.</summary>
internal static class GgufValueAssert
{
    public static void Equal(GgufMetadataValue expected, GgufMetadataValue actual, string path)
    {
        Assert.True(expected.Type == actual.Type, $"{path}: type {actual.Type}, expected {expected.Type}");
        if (expected.Array is { } ea) ArrayEqual(ea, actual.Array!, path);
        else ScalarEqual(expected.Value, actual.Value, path);
    }

    private static void ArrayEqual(GgufArray expected, GgufArray actual, string path)
    {
        Assert.True(expected.ElementType == actual.ElementType, $"{path}: element type {actual.ElementType}, expected {expected.ElementType}");
        Assert.True(expected.Count == actual.Count, $"{path}: {actual.Count} elements, expected {expected.Count}");
        Assert.Equal(expected.Items.GetType(), actual.Items.GetType());
        for (int i = 0; i < expected.Count; i++)
        {
            object e = expected.Items.GetValue(i)!, a = actual.Items.GetValue(i)!;
            if (e is GgufArray en) ArrayEqual(en, (GgufArray)a, $"{path}[{i}]");
            else ScalarEqual(e, a, $"{path}[{i}]");
        }
    }

    private static void ScalarEqual(object expected, object actual, string path)
    {
        Assert.True(expected.GetType() == actual.GetType(), $"{path}: {actual.GetType().Name}, expected {expected.GetType().Name}");
        bool same = expected switch
        {
            float f => BitConverter.SingleToUInt32Bits(f) == BitConverter.SingleToUInt32Bits((float)actual),
            double d => BitConverter.DoubleToUInt64Bits(d) == BitConverter.DoubleToUInt64Bits((double)actual),
            _ => expected.Equals(actual),
        };
        Assert.True(same, $"{path}: {actual}, expected {expected}");
    }
}
