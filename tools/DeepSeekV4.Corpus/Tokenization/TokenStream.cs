using System.Buffers.Binary;
using DeepSeekV4.Corpus.Cleaning;
using DeepSeekV4.Engine.Tokenization;

namespace DeepSeekV4.Corpus.Tokenization;

/// <summary>
/// The token files' layout: little-endian uint16 ids, documents concatenated in order, each preceded by the BOS id.
/// </summary>
public static class TokenStream
{
    /// <summary>Every document's ids (without BOS), encoded in parallel; special-token strings in the text stay plain text.</summary>
    public static int[][] Encode(Tokenizer tokenizer, IReadOnlyList<CorpusDocument> documents)
    {
        var ids = new int[documents.Count][];
        Parallel.For(0, documents.Count, i => ids[i] = tokenizer.Encode(documents[i].Text));
        return ids;
    }

    public static void Write(string path, int bosId, IEnumerable<int[]> documents)
    {
        string temp = path + ".tmp";
        using (var file = new BufferedStream(File.Create(temp), 1 << 20))
        {
            var two = new byte[2];
            void Put(int id)
            {
                if ((uint)id > ushort.MaxValue) throw new InvalidDataException($"token id {id} does not fit in uint16");
                BinaryPrimitives.WriteUInt16LittleEndian(two, (ushort)id);
                file.Write(two);
            }
            foreach (var doc in documents)
            {
                Put(bosId);
                foreach (int id in doc) Put(id);
            }
        }
        File.Move(temp, path, overwrite: true);
    }

    public static ushort[] Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length % 2 != 0) throw new InvalidDataException($"{path}: {bytes.Length} bytes is not a whole number of uint16 ids");
        var ids = new ushort[bytes.Length / 2];
        for (int i = 0; i < ids.Length; i++) ids[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(2 * i));
        return ids;
    }
}
