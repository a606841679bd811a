namespace DeepSeekV4.Engine.Inference;

/// <summary>Something the engine reports while it works; consumers drain these on their own thread.</summary>
public abstract record EngineEvent;

/// <summary>Generated text, complete characters only, stop strings withheld.</summary>
public sealed record TextChunkEvent(string Text) : EngineEvent;

/// <summary>Prompt tokens computed so far out of those that had to be computed (reused ones excluded).</summary>
public sealed record PrefillProgressEvent(int Done, int Total) : EngineEvent;

/// <summary>Something the user should know that did not stop the work (a host shows it as a warning).</summary>
public sealed record WarningEvent(string Message) : EngineEvent;

/// <summary>A model load's progress: a stage name and units done out of total (bytes or tensors).</summary>
public sealed record LoadProgressEvent(string Stage, long Done, long Total) : EngineEvent;

/// <summary>
/// A perplexity comparison's progress: run <paramref name="Run"/> of <paramref name="Runs"/> (the baseline first), what it
/// scores (e.g. "baseline Native", "Q8_0"), and tokens scored so far out of those it scores.
/// </summary>
public sealed record PerplexityProgressEvent(int Run, int Runs, string Stage, int Done, int Total) : EngineEvent;

/// <summary>A detail of how the work goes (a retry, a wait, the device a load chose and why), for a host's verbose stream.</summary>
public sealed record DiagnosticEvent(string Message) : EngineEvent;
