using System.Text;
using System.Text.Json;

namespace DeepSeekV4.Corpus.Cleaning;

/// <summary>documents.jsonl: one cleaned document a line ({"id", "package", "split", "text"}), the hand-over between steps.</summary>
public static class DocumentStore
{
    public const string Train = "train";
    public const string HeldOut = "heldout";

    public static void Write(string path, IReadOnlyList<CorpusDocument> train, IReadOnlyList<CorpusDocument> heldOut)
    {
        string temp = path + ".tmp";
        using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            foreach (var (split, docs) in new[] { (Train, train), (HeldOut, heldOut) })
                foreach (var d in docs)
                    writer.WriteLine(JsonSerializer.Serialize(new StoredDocument(d.Id, d.Package, split, d.Text)));
        }
        File.Move(temp, path, overwrite: true);
    }

    public static (List<CorpusDocument> Train, List<CorpusDocument> HeldOut) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing (run the corpus step first)", path);
        var train = new List<CorpusDocument>();
        var heldOut = new List<CorpusDocument>();
        int line = 0;
        foreach (string json in File.ReadLines(path, Encoding.UTF8))
        {
            line++;
            var d = JsonSerializer.Deserialize<StoredDocument>(json) ?? throw new InvalidDataException($"{path}:{line}: not a document");
            var doc = new CorpusDocument(d.id, d.package, d.text);
            if (d.split == Train) train.Add(doc);
            else if (d.split == HeldOut) heldOut.Add(doc);
            else throw new InvalidDataException($"{path}:{line}: split \"{d.split}\" is neither {Train} nor {HeldOut}");
        }
        return (train, heldOut);
    }

#pragma warning disable IDE1006 // the JSON field names
    private sealed record StoredDocument(string id, string package, string split, string text);
#pragma warning restore IDE1006
}
