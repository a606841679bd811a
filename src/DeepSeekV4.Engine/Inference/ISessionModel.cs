namespace DeepSeekV4.Engine.Inference;

/// <summary>
/// A model a session can complete with: one loaded in this process (<see cref="SessionModel"/>) or one served elsewhere
/// over the OpenAI API (<see cref="Remote.RemoteModel"/>). Both give the same <see cref="CompletionResult"/>.
/// </summary>
public interface ISessionModel : IDisposable
{
    /// <summary>The model's name in the session.</summary>
    string Name { get; }

    ModelKind Kind { get; }

    /// <summary>
    /// Runs one completion. <paramref name="onEvent"/> receives text chunks (and, locally, prefill progress) on the
    /// calling thread. Cancelling throws <see cref="OperationCanceledException"/>.
    /// </summary>
    CompletionResult Complete(CompletionRequest request, Action<EngineEvent>? onEvent = null, CancellationToken cancellationToken = default);

    /// <summary>What the model is, for Get-DSModel: a <see cref="ModelInfo"/> or a <see cref="Remote.RemoteModelInfo"/>.</summary>
    IModelInfo Describe(bool isCurrent);
}
