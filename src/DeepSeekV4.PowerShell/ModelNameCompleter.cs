using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using DeepSeekV4.Engine.Inference;
using PSCompletionResult = System.Management.Automation.CompletionResult;

namespace DeepSeekV4.PowerShell;

/// <summary>Tab completion of -Model / -Name with the models of this runspace, loaded or connected.</summary>
public sealed class ModelNameCompleter : IArgumentCompleter
{
    public IEnumerable<PSCompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var session = RunspaceSessions.Existing;
        if (session == null) yield break;
        string word = (wordToComplete ?? "").Trim('\'', '"');
        var pattern = new WildcardPattern(word + "*", WildcardOptions.IgnoreCase);
        foreach (var model in session.Models)
        {
            if (!pattern.IsMatch(model.Name)) continue;
            string text = model.Name.IndexOfAny([' ', '\'', '"', '$', '`', ';', '(', ')', '{', '}', ',', '&', '|', '@', '#']) >= 0
                ? "'" + model.Name.Replace("'", "''") + "'"
                : model.Name;
            yield return new PSCompletionResult(text, model.Name, CompletionResultType.ParameterValue, InferenceSession.Origin(model));
        }
    }
}
