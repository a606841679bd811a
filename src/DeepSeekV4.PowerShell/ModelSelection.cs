using System.Management.Automation;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell;

/// <summary>
/// Models of a session picked by name patterns; a name that is some model's exact name picks that model only (so a
/// model named 'alpha[1]', piped from Get-DSModel, is not read as a pattern); a plain name that matches nothing is a
/// non-terminating error.
/// </summary>
internal static class ModelSelection
{
    public static List<ISessionModel> Select(Cmdlet cmdlet, InferenceSession session, string[]? names)
    {
        var models = session.Models;
        if (names == null) return [.. models];
        var selected = new List<ISessionModel>();
        foreach (var name in names)
        {
            var matches = models.Where(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                matches = [.. models.Where(m => pattern.IsMatch(m.Name))];
            }
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                cmdlet.WriteError(ErrorMapping.Record(new ModelNotLoadedException(
                    $"no model named '{name}' is loaded in this session (loaded: {(models.Count == 0 ? "none" : string.Join(", ", models.Select(m => m.Name)))})", name), name));
            }
            selected.AddRange(matches.Where(m => !selected.Contains(m)));
        }
        return selected;
    }
}
