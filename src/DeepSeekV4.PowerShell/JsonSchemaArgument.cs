using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using DeepSeekV4.Engine.Sampling.Constraints;

namespace DeepSeekV4.PowerShell;

/// <summary>
/// The -JsonSchema argument as the engine's <see cref="JsonOutputFormat"/>: a hashtable (use [ordered] to fix the
/// property order), a PSCustomObject, a JSON string, or the path of a .json file.
/// </summary>
internal static class JsonSchemaArgument
{
    public static JsonOutputFormat ToFormat(object value, Func<string, string> resolvePath)
    {
        object inner = value is PSObject pso && pso.BaseObject is not PSCustomObject ? pso.BaseObject : value;
        if (inner is string text)
        {
            string trimmed = text.TrimStart();
            if (trimmed.StartsWith('{')) return JsonOutputFormat.FromSchema(text);
            string path = resolvePath(text);
            if (!File.Exists(path)) throw new FileNotFoundException($"JSON schema file not found: {path} (a schema string must start with '{{')", path);
            try
            {
                return JsonOutputFormat.FromSchema(File.ReadAllText(path));
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"{path}: {e.Message}", e);
            }
        }
        if (inner is FileInfo file) return ToFormat(file.FullName, p => p);
        return JsonOutputFormat.FromSchema(ToJson(value));
    }

    /// <summary>A PowerShell value (dictionaries, custom objects, arrays, scalars) as JSON text.</summary>
    public static string ToJson(object? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer)) Write(writer, value, 0);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, object? value, int depth)
    {
        if (depth > 64) throw new ArgumentException("the JSON schema nests more than 64 levels");
        if (value is PSObject pso)
        {
            if (pso.BaseObject is PSCustomObject)
            {
                writer.WriteStartObject();
                foreach (var p in pso.Properties)
                {
                    writer.WritePropertyName(p.Name);
                    Write(writer, p.Value, depth + 1);
                }
                writer.WriteEndObject();
                return;
            }
            value = pso.BaseObject;
        }
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case SwitchParameter sw:
                writer.WriteBooleanValue(sw.IsPresent);
                break;
            case byte or sbyte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong or float or double or decimal:
                writer.WriteRawValue(Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry e in dictionary)
                {
                    writer.WritePropertyName(Convert.ToString(e.Key, CultureInfo.InvariantCulture) ?? "");
                    Write(writer, e.Value, depth + 1);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items) Write(writer, item, depth + 1);
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
