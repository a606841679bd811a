using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.Engine.Tests.Inference.Fakes;

/// <summary>A temporary model file, a registry over a <see cref="ToyLoader"/> with plenty of memory, and a session with the toy model imported.</summary>
public sealed class ToyEnvironment : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("dsv4-inference-").FullName;

    public ToyEnvironment(Func<IReadOnlyList<int>, int>? next = null, int contextLength = 1024, long availableMemory = long.MaxValue / 4)
    {
        Loader = new ToyLoader(next);
        Registry = new ModelRegistry(Loader, () => availableMemory);
        ModelPath = NewFile("toy.gguf");
        Session = new InferenceSession(Registry);
        Model = Session.Import(ModelPath, contextLength: contextLength);
    }

    public ToyLoader Loader { get; }
    public ModelRegistry Registry { get; }
    public string ModelPath { get; }
    public InferenceSession Session { get; }
    public SessionModel Model { get; }
    public ToyModel Toy => (ToyModel)Model.Model.Model;

    public string NewFile(string name, string content = "x")
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        Session.Dispose();
        Directory.Delete(_directory, true);
    }
}
