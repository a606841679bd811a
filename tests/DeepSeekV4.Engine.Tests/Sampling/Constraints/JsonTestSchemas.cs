namespace DeepSeekV4.Engine.Tests.Sampling.Constraints;

/// <summary>Ten short, bounded schemas: nested objects, enums, arrays, numbers, nullable types, const and string lengths.</summary>
public static class JsonTestSchemas
{
    public static readonly string[] All =
    [
        """{"type":"object","properties":{"id":{"type":"integer"},"urgency":{"enum":["low","medium","high"]},"summary":{"type":"string","maxLength":12}},"required":["id","urgency","summary"]}""",
        """{"type":"object","properties":{"person":{"type":"object","properties":{"name":{"type":"string","maxLength":8},"age":{"type":"integer"}},"required":["name"]},"active":{"type":"boolean"}},"required":["person"]}""",
        """{"type":"object","properties":{"tags":{"type":"array","items":{"enum":["a","b","c"]},"minItems":1,"maxItems":3}},"required":["tags"]}""",
        """{"type":"object","properties":{"price":{"type":"number"},"qty":{"type":"integer"},"ratio":{"type":"number"}},"required":["price","qty"]}""",
        """{"type":"object","properties":{"note":{"type":["string","null"],"maxLength":6},"count":{"type":["integer","null"]}},"required":["note","count"]}""",
        """{"type":"object","properties":{"items":{"type":"array","maxItems":2,"items":{"type":"object","properties":{"k":{"type":"string","maxLength":4},"v":{"type":"number"}},"required":["k","v"]}}},"required":["items"]}""",
        """{"type":"object","properties":{"kind":{"const":"event"},"code":{"type":"string","minLength":2,"maxLength":5}},"required":["kind","code"]}""",
        """{"type":"object","properties":{"matrix":{"type":"array","maxItems":2,"items":{"type":"array","maxItems":2,"items":{"type":"integer"}}}},"required":["matrix"]}""",
        """{"type":"object","properties":{"a":{"type":"boolean"},"b":{"type":"null"},"c":{"enum":[1,2.5,"x",true]}}}""",
        """{"type":"object","properties":{"l1":{"type":"object","properties":{"l2":{"type":"object","properties":{"l3":{"type":"string","maxLength":5}},"required":["l3"]}},"required":["l2"]}},"required":["l1"]}""",
    ];

    public static IEnumerable<object[]> Indexes => Enumerable.Range(0, All.Length).Select(i => new object[] { i });
}
