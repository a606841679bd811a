using System.Globalization;
using System.Management.Automation;

namespace DeepSeekV4.PowerShell;

/// <summary>
/// A range whose lower end is excluded (greater than <see cref="Minimum"/>, at most <see cref="Maximum"/>), for
/// settings the engine refuses at the lower end itself (-TopP 0 would keep no tokens, -RepeatPenalty 0 divides by
/// zero): the cmdlet refuses what the engine would, with the same bounds.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateRangeAboveAttribute(double minimum, double maximum) : ValidateArgumentsAttribute
{
    public double Minimum { get; } = minimum;

    public double Maximum { get; } = maximum;

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        object value = arguments is PSObject ps ? ps.BaseObject : arguments;
        double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        if (number > Minimum && number <= Maximum) return;
        throw new ValidationMetadataException(string.Create(CultureInfo.InvariantCulture,
            $"{number} is not allowed: the value must be greater than {Minimum} and at most {Maximum}."));
    }
}
