using DeepSeekV4.Training.Model;

namespace DeepSeekV4.Training.Training;

/// <summary>A checkpoint file: magic, the run's setup (JSON), every model tensor, then the optimizer's state.</summary>
public static class Checkpoint
{
    private const string Magic = "dsv4-train checkpoint 1";

    public static void Save(string path, TrainingSetup setup, ParameterStore store, AdamW optimizer)
    {
        string temporary = path + ".tmp";
        using (var w = new BinaryWriter(File.Create(temporary)))
        {
            w.Write(Magic);
            w.Write(setup.ToJson());
            store.Save(w);
            optimizer.Save(w);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads the setup and the model; the optimizer's state is read only when <paramref name="optimizerFor"/> gives one.</summary>
    public static (TrainingSetup Setup, ParameterStore Store, AdamW? Optimizer) Load(string path, Func<TrainingSetup, ParameterStore, AdamW>? optimizerFor = null)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        string magic = r.ReadString();
        if (magic != Magic) throw new InvalidDataException($"{path}: not a dsv4-train checkpoint (starts '{magic}')");
        var setup = TrainingSetup.FromJson(r.ReadString());
        var store = ParameterStore.Load(r);
        AdamW? optimizer = null;
        if (optimizerFor is not null)
        {
            optimizer = optimizerFor(setup, store);
            optimizer.Load(r);
        }
        return (setup, store, optimizer);
    }
}
