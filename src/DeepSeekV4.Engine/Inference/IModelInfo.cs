namespace DeepSeekV4.Engine.Inference;

/// <summary>What every description of a session's model has, local or remote.</summary>
public interface IModelInfo
{
    string Name { get; }

    ModelKind Kind { get; }

    /// <summary>Tokens of context; 0 when a remote server does not say.</summary>
    int ContextLength { get; }

    bool IsCurrent { get; }
}
