using System.Management.Automation;
using DeepSeekV4.Engine.Inference;

namespace DeepSeekV4.PowerShell;

/// <summary>Lets token counts be written as 4096, 128K or 1M (PowerShell has no M suffix for plain numbers).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TokenCountTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject ps ? ps.BaseObject : inputData;
        try
        {
            return value switch
            {
                int i => i,
                long or double or float or decimal or short or uint or ulong => checked(Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture)),
                string s => TokenCount.Parse(s),
                _ => throw new FormatException($"'{value}' is not a token count (examples: 4096, 128K, 1M)"),
            };
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new ArgumentTransformationMetadataException(e.Message, e);
        }
    }
}
