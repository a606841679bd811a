using System.Buffers.Binary;

namespace DeepSeekV4.Engine.Tests.Gguf;

/// <summary>
/// Seeded mutations of a GGUF image's header, metadata and tensor-info bytes: bit flips, random bytes, and
/// field-aware edits (lengths and counts set to huge, negative, off-by-one and boundary values; type ids changed).
/// </summary>
internal sealed class GgufMutator(GgufFieldMap map, Random rng)
{
    /// <summary>Applies one to four mutations to <paramref name="image"/> (already a copy) and describes them.</summary>
    public string Mutate(byte[] image)
    {
        int n = rng.Next(10) < 8 ? 1 : rng.Next(2, 5);
        var what = new List<string>(n);
        for (int i = 0; i < n; i++) what.Add(MutateOnce(image));
        return string.Join("; ", what);
    }

    private string MutateOnce(byte[] image)
    {
        int roll = rng.Next(100);
        if (roll < 25)
        {
            long at = rng.NextInt64(map.DataStart);
            int bit = rng.Next(8);
            image[at] ^= (byte)(1 << bit);
            return $"flip bit {bit} of byte {at}";
        }
        if (roll < 40)
        {
            long at = rng.NextInt64(map.DataStart);
            byte v = (byte)rng.Next(256);
            image[at] = v;
            return $"byte {at} = 0x{v:X2}";
        }
        var f = map.Fields[rng.Next(map.Fields.Count)];
        if (roll < 50)
        {
            // Bias toward the header counts: few fields, large effect.
            f = map.Fields[rng.Next(2, 4)];
        }
        return f.Size switch
        {
            8 => SetU64(image, f, ChooseU64(image, f)),
            4 when f.Kind is GgufFieldKind.Magic => SetU32(image, f, (uint)rng.Next()),
            4 => SetU32(image, f, ChooseU32(image, f)),
            _ => Scramble(image, f),
        };
    }

    private ulong ChooseU64(byte[] image, MappedField f)
    {
        ulong old = BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan((int)f.Offset));
        ulong remaining = (ulong)(image.Length - f.Offset - 8);
        return rng.Next(16) switch
        {
            0 => 0,
            1 => 1,
            2 => old - 1,
            3 => old + 1,
            4 => old * 2,
            5 => ulong.MaxValue,            // -1 as int64
            6 => long.MaxValue,
            7 => 1UL << 63,                 // the most negative int64
            8 => 1UL << 32,
            9 => uint.MaxValue,
            10 => remaining,
            11 => remaining + 1,
            12 => old + 32,
            13 => old + (ulong)rng.Next(1, 32),
            14 => (ulong)rng.NextInt64(),
            _ => old ^ (1UL << rng.Next(64)),
        };
    }

    private uint ChooseU32(byte[] image, MappedField f)
    {
        uint old = BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((int)f.Offset));
        return rng.Next(8) switch
        {
            0 => (uint)rng.Next(16),        // every value type id and a few beyond
            1 => (uint)rng.Next(48),        // every ggml type id and a few beyond
            2 => old + 1,
            3 => old - 1,
            4 => uint.MaxValue,
            5 => 9,                         // ARRAY
            6 => (uint)rng.Next(),
            _ => old ^ (1u << rng.Next(32)),
        };
    }

    private static string SetU64(byte[] image, MappedField f, ulong v)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan((int)f.Offset), v);
        return $"{f.Name} ({f.Kind} at {f.Offset}) = {v}";
    }

    private static string SetU32(byte[] image, MappedField f, uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan((int)f.Offset), v);
        return $"{f.Name} ({f.Kind} at {f.Offset}) = {v}";
    }

    private string Scramble(byte[] image, MappedField f)
    {
        long at = f.Offset + rng.Next(f.Size);
        byte v = rng.Next(4) switch { 0 => 0x80, 1 => 0xFF, 2 => 0xC3, _ => (byte)rng.Next(256) };
        image[at] = v;
        return $"{f.Name} ({f.Kind}) byte {at} = 0x{v:X2}";
    }
}
